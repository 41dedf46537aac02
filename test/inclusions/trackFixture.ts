/** Drive the inclusion tracker on a fixture video (ingest → canonical → reference → segment). */
import { readFileSync } from 'node:fs';
import type { Frame, FrameSource, PlatingEdge } from '../../src/core/types.js';
import { openSource } from '../../src/ingest/index.js';
import { buildReference, canonicalGeometry, loadOpenCv, Segmenter, toCanonical, type CanonicalGeometry, type SegmentResult } from '../../src/segment/index.js';
import { InclusionTracker, type InclusionRow } from '../../src/track/inclusions/index.js';

export async function trackInclusions(
  video: string | FrameSource, edge: PlatingEdge, umPerPx: number, nRef = 5,
  onSegment?: (index: number, seg: SegmentResult, geom: CanonicalGeometry) => void,
): Promise<InclusionRow[]> {
  const source = typeof video === 'string' ? await openSource(video, {}) : video;
  const cv = await loadOpenCv();
  const geom = canonicalGeometry(source.info.width, source.info.height, edge);
  const tracker = new InclusionTracker();
  const pending: Array<{ index: number; tS: number; img: Uint8Array }> = [];
  let seg: Segmenter | null = null;
  const run = (index: number, tS: number, img: Uint8Array) => {
    const r = seg!.segment(img);
    onSegment?.(index, r, geom);
    tracker.step(index, tS, r, geom, umPerPx);
  };
  for await (const f of source.frames() as AsyncIterable<Frame>) {
    const img = toCanonical(f.data, geom, new Uint8Array(geom.cw * geom.ch));
    if (!seg) {
      pending.push({ index: f.index, tS: f.tS, img });
      if (pending.length >= nRef) {
        seg = new Segmenter(cv, buildReference(pending.map((p) => p.img), geom));
        for (const p of pending) run(p.index, p.tS, p.img);
      }
    } else run(f.index, f.tS, img);
  }
  seg?.dispose();
  return tracker.finish();
}

export interface TruthInclusionRow {
  id: number; frame: number; tS: number; front: [number, number]; back: [number, number]; centroid: [number, number]; areaUm2: number;
}

/** truth_inclusions.csv (µm). */
export function readTruthInclusions(path: string): TruthInclusionRow[] {
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const g = (c: string[], n: string) => Number(c[cols.indexOf(n)]);
  return lines.map((l) => {
    const c = l.split(',');
    return {
      id: g(c, 'inclusion_id'), frame: g(c, 'frame'), tS: g(c, 't_s'),
      front: [g(c, 'front_x_um'), g(c, 'front_y_um')], back: [g(c, 'back_x_um'), g(c, 'back_y_um')],
      centroid: [g(c, 'centroid_x_um'), g(c, 'centroid_y_um')], areaUm2: g(c, 'area_um2'),
    };
  });
}
