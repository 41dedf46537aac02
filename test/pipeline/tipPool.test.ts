/**
 * Tips found on the worker thread (TipPool, pipelined with the segmentation of the next frames)
 * must be exactly the tips found in the main thread: byte-identical tracks.csv and summary.json,
 * on fixtures with branching dendrites (four edges' geometry covered by fig2 bottom, branch
 * right) and with the frames segmented partly in rectangles (RoiScheduler).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runTrack } from '../../src/pipeline/runTrack.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { readArea } from '../../src/pipeline/tipPool.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-tippool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const saved = process.env.LIDTRACK_TIP_WORKER;
afterEach(() => {
  if (saved === undefined) delete process.env.LIDTRACK_TIP_WORKER;
  else process.env.LIDTRACK_TIP_WORKER = saved;
});

async function run(input: string, edge: string, worker: '0' | '1', name: string) {
  process.env.LIDTRACK_TIP_WORKER = worker;
  const out = join(tmp, name);
  const r = await runTrack(trackConfigSchema.parse({ input, um_per_px: 0.5, plating_edge: edge, out, report: false, force: true }));
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  return { r, tracks: readFileSync(join(out, 'tracks.csv'), 'utf8'), summary, manifest: JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) };
}

describe('tips on a worker thread equal tips in the main thread', () => {
  for (const [input, edge] of [['fixtures/fig2/video.mp4', 'bottom'], ['fixtures/branch/video.mkv', 'right']] as const) {
    it(`${input}: byte-identical tracks.csv and summary.json`, async () => {
      const a = await run(input, edge, '0', `${edge}-main`);
      const b = await run(input, edge, '1', `${edge}-worker`);
      expect(a.r.tracks.length).toBeGreaterThanOrEqual(2);
      expect(b.manifest.timing_ms_per_frame.tips_worker).toBeGreaterThan(0); // it did run on the worker
      expect(a.manifest.timing_ms_per_frame.tips_worker).toBeUndefined();
      expect(b.tracks).toBe(a.tracks);
      expect(b.summary).toEqual(a.summary);
    });
  }

  it('readArea: the plan within the margin of interface-touching regions only', () => {
    const region = (uMin: number, uMax: number, vMin: number, vMax: number, touches: boolean) => ({ label: 1, areaPx: 10, touchesInterface: touches, uMin, uMax, vMin, vMax, extentV: new Int32Array(uMax - uMin + 1), sumU: 0, sumV: 0 });
    const seg = { regions: [region(100, 110, 10, 60, true), region(120, 125, 30, 40, true), region(400, 420, 200, 230, false)], darkening: new Float32Array(0), darkeningBlurred: new Float32Array(0), labels: new Int32Array(0), gain: 1, thresholdRel: 0.1 };
    const rows = readArea(seg, [{ x: 0, y: 0, w: 640, h: 480 }], 640, 480);
    const covered = new Uint8Array(640 * 480);
    for (const r of rows) for (let v = r.y; v < r.y + r.h; v++) covered.fill(1, v * 640 + r.x, v * 640 + r.x + r.w);
    // the dendrites' boxes + 48 px are covered, the inclusion's is not
    // (boxes: u 52–158 × v 0–108 and u 72–173 × v 0–88)
    expect(covered[0 * 640 + 52]).toBe(1);
    expect(covered[0 * 640 + 51]).toBe(0);
    expect(covered[80 * 640 + 173]).toBe(1);
    expect(covered[108 * 640 + 158]).toBe(1);
    expect(covered[108 * 640 + 159]).toBe(0);
    expect(covered[109 * 640 + 100]).toBe(0);
    expect(covered[215 * 640 + 410]).toBe(0);
    expect(covered.reduce((a, c) => a + c, 0)).toBe(107 * 109 + (174 - 159) * 89);
  });
});
