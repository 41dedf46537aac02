/**
 * The segmenter's threshold (thresholdRect: four pixels per 32-bit store where the mask is
 * 4-byte aligned) against a plain per-pixel reference: the same 0/255 mask on the rectangle
 * (strictly above the threshold, as cv.THRESH_BINARY), the rest of the mask untouched, and the
 * same box of the foreground — at every alignment of the rectangle, on a mask that is not 4-byte
 * aligned (one pixel at a time), with no foreground, and at values equal to the threshold.
 */
import { describe, expect, it } from 'vitest';
import { thresholdRect, type RectPx } from '../../src/segment/segmenter.js';
import { float32AtMost, SimdBlur } from '../../src/segment/simdBlur.js';
import { mulberry32 } from '../helpers/rng.js';

function reference(blurred: Float32Array, m8: Uint8Array, low: number, cw: number, r: RectPx): RectPx | null {
  let u0 = Infinity, u1 = -1, v0 = Infinity, v1 = -1;
  for (let v = r.y; v < r.y + r.h; v++) {
    for (let u = r.x; u < r.x + r.w; u++) {
      const on = blurred[v * cw + u] > low;
      m8[v * cw + u] = on ? 255 : 0;
      if (on) { u0 = Math.min(u0, u); u1 = Math.max(u1, u); v0 = Math.min(v0, v); v1 = Math.max(v1, v); }
    }
  }
  return u1 >= 0 ? { x: u0, y: v0, w: u1 - u0 + 1, h: v1 - v0 + 1 } : null;
}

describe('thresholdRect', () => {
  it('equals the per-pixel threshold and box on rectangles at every alignment, aligned mask or not', () => {
    const rnd = mulberry32(5);
    const cw = 64, ch = 24, low = 0.1;
    let words = 0;
    for (let t = 0; t < 300; t++) {
      const blurred = new Float32Array(cw * ch);
      // foreground in runs (as cracks are), sparse specks, or none; some pixels exactly at the threshold
      const kind = t % 4;
      for (let i = 0; i < cw * ch; i++) blurred[i] = rnd() * 0.09;
      if (kind === 0) for (let v = 0; v < ch; v++) { const a = Math.floor(rnd() * cw), b = Math.min(cw, a + Math.floor(rnd() * 9)); for (let u = a; u < b; u++) blurred[v * cw + u] = 0.3; }
      if (kind === 1) for (let k = 0; k < 20; k++) blurred[Math.floor(rnd() * cw * ch)] = 0.2;
      if (kind === 2) for (let k = 0; k < 40; k++) blurred[Math.floor(rnd() * cw * ch)] = Math.fround(low);
      const x = Math.floor(rnd() * cw), y = Math.floor(rnd() * ch);
      const r: RectPx = { x, y, w: 1 + Math.floor(rnd() * (cw - x)), h: 1 + Math.floor(rnd() * (ch - y)) };
      const fill = Math.floor(rnd() * 256);
      const want = new Uint8Array(cw * ch).fill(fill);
      const box = reference(blurred, want, low, cw, r);
      // aligned (words) and at byte offset 1 (one pixel at a time)
      for (const off of [0, 1]) {
        const buf = new Uint8Array(cw * ch + 4);
        const m8 = buf.subarray(off, off + cw * ch).fill(fill);
        const got = thresholdRect(blurred, m8, low, cw, ch, r);
        expect(got).toEqual(box);
        expect(Buffer.from(m8).equals(Buffer.from(want))).toBe(true);
        if (off === 0 && r.w >= 8) words++;
      }
    }
    expect(words).toBeGreaterThan(100); // the word path ran
  });

  it('SimdBlur.threshold (simdMask.wat) equals the per-pixel threshold and box of Db, also at float32 values next to the threshold', () => {
    const rnd = mulberry32(9);
    let vec = 0;
    for (const [cw, ch] of [[64, 24], [37, 9], [100, 5]]) {
      const k = new SimdBlur(cw, ch);
      for (let t = 0; t < 200; t++) {
        const low = [0.1, 0.05, 1 / 3, 0.25][t % 4];
        const at = Math.fround(low), below = float32AtMost(low);
        // a float32 a step below fround(low) when fround rounds up, the same otherwise
        const blurred = k.Db;
        for (let i = 0; i < cw * ch; i++) blurred[i] = rnd() * 0.09;
        for (let v = 0; v < ch; v++) { const a = Math.floor(rnd() * cw), b = Math.min(cw, a + Math.floor(rnd() * 20)); for (let u = a; u < b; u++) blurred[v * cw + u] = 0.4; }
        for (let j = 0; j < 30; j++) blurred[Math.floor(rnd() * cw * ch)] = [at, below, low][j % 3];
        if (t % 7 === 0) blurred.fill(0.01); // no foreground
        const x = Math.floor(rnd() * cw), y = Math.floor(rnd() * ch);
        const r: RectPx = { x, y, w: 1 + Math.floor(rnd() * (cw - x)), h: 1 + Math.floor(rnd() * (ch - y)) };
        const fill = Math.floor(rnd() * 256);
        const want = new Uint8Array(cw * ch).fill(fill);
        const box = reference(Float32Array.from(blurred), want, low, cw, r);
        k.m8.fill(fill);
        expect(k.threshold(r, low)).toEqual(box);
        expect(Buffer.from(k.m8).equals(Buffer.from(want))).toBe(true);
        if (r.w >= 16) vec++;
      }
    }
    expect(vec).toBeGreaterThan(100); // the sixteen-at-a-time path ran
    expect(float32AtMost(0.1)).toBeLessThan(0.1);
    expect(Math.fround(float32AtMost(0.1))).toBe(float32AtMost(0.1));
    expect(float32AtMost(0.25)).toBe(0.25);
  });
});
