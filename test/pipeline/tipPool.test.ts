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
import { readArea, tipPoolSlots, useTipWorker } from '../../src/pipeline/tipPool.js';
import { rowSpans } from '../../src/segment/rowSpans.js';

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

  it('frames in flight: 4 up to 1080p, fewer for larger frames (at most 128 MiB of slots), never fewer than 2', () => {
    expect(tipPoolSlots(1280 * 720)).toBe(4);
    expect(tipPoolSlots(1920 * 1080)).toBe(4);
    expect(tipPoolSlots(2560 * 1440)).toBe(3);
    expect(tipPoolSlots(3840 * 2160)).toBe(2);
    expect(tipPoolSlots(8192 * 8192)).toBe(2);
  });

  it("the worker on 'auto': frames of 0.5 Mpx or more, and two cores free of ffmpeg's decoding", () => {
    const hd = 1920 * 1080;
    expect(useTipWorker(hd, { setting: 'auto', cores: 2, decoderTakesCore: true })).toBe(false); // a video on 2 cores
    expect(useTipWorker(hd, { setting: 'auto', cores: 3, decoderTakesCore: true })).toBe(true);
    expect(useTipWorker(hd, { setting: 'auto', cores: 2, decoderTakesCore: false })).toBe(true); // a TIFF stack on 2 cores
    expect(useTipWorker(hd, { setting: 'auto', cores: 1, decoderTakesCore: false })).toBe(false);
    expect(useTipWorker(499_999, { setting: 'auto', cores: 8, decoderTakesCore: true })).toBe(false);
    expect(useTipWorker(100, { setting: '1', cores: 1, decoderTakesCore: true })).toBe(true);
    expect(useTipWorker(hd, { setting: '0', cores: 8 })).toBe(false);
  });

  it('rowSpans: the union of overlapping rectangles, each pixel once', () => {
    const rects = [{ x: 10, y: 5, w: 20, h: 10 }, { x: 25, y: 8, w: 10, h: 10 }, { x: 40, y: 0, w: 5, h: 3 }, { x: 0, y: 30, w: 0, h: 4 }];
    const spans = rowSpans(rects);
    const W = 64;
    const count = new Uint8Array(W * 40), expected = new Uint8Array(W * 40);
    for (let k = 0; k < spans.length; k += 3) for (let x = spans[k + 1]; x < spans[k + 2]; x++) count[spans[k] * W + x]++;
    for (const r of rects) for (let v = r.y; v < r.y + r.h; v++) for (let x = r.x; x < r.x + r.w; x++) expected[v * W + x] = 1;
    expect(Array.from(count)).toEqual(Array.from(expected)); // no pixel twice, none missed
    // rows 8–14 hold one merged span [10, 35)
    const row8: number[][] = [];
    for (let k = 0; k < spans.length; k += 3) if (spans[k] === 8) row8.push([spans[k + 1], spans[k + 2]]);
    expect(row8).toEqual([[10, 35]]);
    expect(rowSpans([]).length).toBe(0);
  });
});
