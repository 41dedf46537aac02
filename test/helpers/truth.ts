/** Compare a run's tracks.csv with a fixture's truth_tracks.csv (matched by mean distance). */
import { readFileSync } from 'node:fs';

export interface TipRow { trackId: number; frame: number; tS: number; x: number; y: number; lengthUm: number }

export function readTipsCsv(path: string): TipRow[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const ix = (n: string) => cols.indexOf(n);
  return lines.map((l) => {
    const c = l.split(',');
    return { trackId: Number(c[ix('track_id')]), frame: Number(c[ix('frame')]), tS: Number(c[ix('t_s')]), x: Number(c[ix('tip_x_px')]), y: Number(c[ix('tip_y_px')]), lengthUm: Number(c[ix('length_um')]) };
  });
}

export interface TrackMatch { mine: number; truth: number; n: number; nTruth: number; rmsePx: number }

export function matchTracks(mine: TipRow[], truth: TipRow[]): { matches: TrackMatch[]; spurious: number[] } {
  const group = (rows: TipRow[]) => {
    const m = new Map<number, Map<number, TipRow>>();
    for (const r of rows) {
      if (!m.has(r.trackId)) m.set(r.trackId, new Map());
      m.get(r.trackId)!.set(r.frame, r);
    }
    return m;
  };
  const gm = group(mine), gt = group(truth);
  const matches: TrackMatch[] = [];
  const spurious: number[] = [];
  for (const [mid, m] of gm) {
    let best: TrackMatch | null = null;
    for (const [tid, t] of gt) {
      const common = [...m.keys()].filter((f) => t.has(f));
      if (!common.length) continue;
      let s2 = 0;
      for (const f of common) s2 += (m.get(f)!.x - t.get(f)!.x) ** 2 + (m.get(f)!.y - t.get(f)!.y) ** 2;
      const rmse = Math.sqrt(s2 / common.length);
      if (!best || rmse < best.rmsePx) best = { mine: mid, truth: tid, n: common.length, nTruth: t.size, rmsePx: rmse };
    }
    if (best && best.rmsePx < 5) matches.push(best);
    else spurious.push(mid);
  }
  return { matches, spurious };
}

export function truthVelocities(path: string): Map<number, number> {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const out = new Map<number, number>();
  for (const l of lines) {
    const c = l.split(',');
    out.set(Number(c[cols.indexOf('track_id')]), Number(c[cols.indexOf('velocity_um_per_s')]));
  }
  return out;
}
