/**
 * register on fixtures/hard/video.mp4 (rendered by `lidtrack simulate`: smooth 6 px drift plus
 * 0.5 px jitter per axis, 3 % flicker, noise σ 8, H.264 crf 30, growing cracks, dust): the
 * drift of every frame against frame 0 is compared with the truth (drift_t − drift_0), and the
 * gain with gain_t / gain_0. No crack mask is given, so the growing cracks must not bias it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../src/ingest/index.js';
import { DriftTracker } from '../../src/register/index.js';

interface TruthFrame {
  frame: number;
  drift_x_px: number;
  drift_y_px: number;
  gain: number;
}

describe('register on fixtures/hard', () => {
  it('drift RMSE ≤ 0.3 px, gain RMS error ≤ 0.5 %, every frame reliable', async () => {
    const truth = JSON.parse(readFileSync('fixtures/hard/truth.json', 'utf8')) as { frames: TruthFrame[] };
    const t0 = truth.frames[0];
    const src = await openSource('fixtures/hard/video.mp4');
    let tracker: DriftTracker | null = null;
    let se = 0, seGain = 0, n = 0, maxErr = 0;
    for await (const f of src.frames()) {
      tracker ??= new DriftTracker(f.data.slice(), f.width, f.height);
      const s = tracker.update(f.data, { index: f.index, tS: f.tS });
      const t = truth.frames[f.index];
      expect(t.frame).toBe(f.index);
      const e = Math.hypot(s.dxPx - (t.drift_x_px - t0.drift_x_px), s.dyPx - (t.drift_y_px - t0.drift_y_px));
      se += e * e;
      maxErr = Math.max(maxErr, e);
      seGain += (s.gain / (t.gain / t0.gain) - 1) ** 2;
      n++;
      expect(s.reliable, `frame ${f.index}`).toBe(true);
    }
    expect(n).toBe(truth.frames.length);
    const rmse = Math.sqrt(se / n);
    // Measured 0.15 px (2-D) and 0.3 % when written.
    expect(rmse).toBeLessThanOrEqual(0.3);
    expect(maxErr).toBeLessThan(0.6);
    expect(Math.sqrt(seGain / n)).toBeLessThanOrEqual(0.005);
  });
});
