/**
 * A minimal reader of the TrackMate XML written by lidtrack, used by the tests to parse the
 * files back (attributes of Spot/Track/Edge/particle/detection elements).
 */
export function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)) {
    out[m[1]] = m[2].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  }
  return out;
}

export interface ParsedTrack {
  id: number;
  points: Array<{ frame: number; tS: number; xUm: number; yUm: number; lengthUm: number }>;
}

/** Tracks from a full TrackMate file: spots by ID, each Track's edges chained source → target. */
export function parseTrackMate(xml: string): { tracks: ParsedTrack[]; spots: number; model: Record<string, string>; image: Record<string, string> } {
  const spots = new Map<number, Record<string, string>>();
  for (const m of xml.matchAll(/<Spot\s[^>]*\/>/g)) {
    const a = attrs(m[0]);
    spots.set(Number(a.ID), a);
  }
  const tracks: ParsedTrack[] = [];
  for (const m of xml.matchAll(/<Track\s([^>]*)>([\s\S]*?)<\/Track>/g)) {
    const ta = attrs(m[1]);
    const next = new Map<number, number>();
    const targets = new Set<number>();
    for (const e of m[2].matchAll(/<Edge\s[^>]*\/>/g)) {
      const ea = attrs(e[0]);
      next.set(Number(ea.SPOT_SOURCE_ID), Number(ea.SPOT_TARGET_ID));
      targets.add(Number(ea.SPOT_TARGET_ID));
    }
    let cur = [...next.keys()].find((k) => !targets.has(k));
    const points: ParsedTrack['points'] = [];
    while (cur !== undefined) {
      const s = spots.get(cur)!;
      points.push({ frame: Number(s.FRAME), tS: Number(s.POSITION_T), xUm: Number(s.POSITION_X), yUm: Number(s.POSITION_Y), lengthUm: Number(s.TIP_LENGTH) });
      cur = next.get(cur);
    }
    tracks.push({ id: Number(ta.TRACK_ID), points });
  }
  const model = attrs(/<Model\s[^>]*>/.exec(xml)?.[0] ?? '');
  const image = attrs(/<ImageData\s[^>]*\/>/.exec(xml)?.[0] ?? '');
  return { tracks, spots: spots.size, model, image };
}

/** Particles of the simple tracks.xml format. */
export function parseSimpleTracks(xml: string): { head: Record<string, string>; particles: Array<Array<{ t: number; x: number; y: number }>> } {
  const head = attrs(/<Tracks\s[^>]*>/.exec(xml)?.[0] ?? '');
  const particles = [...xml.matchAll(/<particle[^>]*>([\s\S]*?)<\/particle>/g)].map((p) =>
    [...p[1].matchAll(/<detection\s[^>]*\/>/g)].map((d) => {
      const a = attrs(d[0]);
      return { t: Number(a.t), x: Number(a.x), y: Number(a.y) };
    }),
  );
  return { head, particles };
}
