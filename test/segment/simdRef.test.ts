/**
 * The reference's WebAssembly SIMD passes (src/segment/simdRef.ts) give the bytes of the
 * JavaScript they replace: the per-pixel median of five frames (reference.ts median5) and the
 * k × k closing (rectMorphology.ts closeRectJs, itself checked against cv.morphologyEx), on
 * random images with dark streaks, for widths that are and are not multiples of 16, heights
 * below and above k, and every odd k the SIMD path takes.
 */
import { describe, expect, it } from 'vitest';
import { closeRectJs } from '../../src/segment/rectMorphology.js';
import { median5 } from '../../src/segment/reference.js';
import { closeRectSimd, median5Simd, SIMD_CLOSE_MAX_K } from '../../src/segment/simdRef.js';

function image(w: number, h: number, seed: number): Uint8Array {
  const img = new Uint8Array(w * h);
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24);
  for (let i = 0; i < img.length; i++) img[i] = 120 + (rnd() >> 2);
  // dark streaks (cracks), saturated spots, a bright and a black border row
  for (let k = 0; k < 6; k++) {
    const u0 = rnd() % w, dir = (rnd() & 1) * 2 - 1;
    for (let v = 0; v < h; v++) {
      const u = u0 + Math.floor((dir * v) / 3);
      for (let d = 0; d < 3; d++) if (u + d >= 0 && u + d < w) img[v * w + u + d] = rnd() >> 3;
    }
  }
  for (let k = 0; k < 20; k++) img[rnd() % img.length] = 255;
  img.fill(255, 0, w);
  img.fill(0, (h - 1) * w, h * w);
  return img;
}

describe('the reference passes on WebAssembly SIMD', () => {
  it('closing: the bytes of closeRectJs, for every odd k up to 63 and sizes around 16 and k', () => {
    const sizes: Array<[number, number]> = [[16, 1], [16, 40], [17, 9], [33, 70], [100, 31], [250, 64], [64, 5]];
    let compared = 0;
    for (const [w, h] of sizes) {
      const src = image(w, h, w * 131 + h);
      for (let k = 1; k <= SIMD_CLOSE_MAX_K; k += 2) {
        const simd = closeRectSimd(src, w, h, k);
        expect(simd).not.toBeNull();
        const js = closeRectJs(src, w, h, k);
        let diff = 0;
        for (let i = 0; i < js.length; i++) if (simd![i] !== js[i]) diff++;
        expect(diff, `${w}×${h}, k = ${k}`).toBe(0);
        compared++;
      }
    }
    expect(compared).toBe(7 * 32);
    // a 1080p-like frame with the reference's k
    const big = image(1920, 300, 7);
    expect(Buffer.from(closeRectSimd(big, 1920, 300, 31)!).equals(Buffer.from(closeRectJs(big, 1920, 300, 31)))).toBe(true);
  });

  it('closing: what the SIMD path does not take is left to JavaScript (null)', () => {
    const src = image(15, 20, 1);
    expect(closeRectSimd(src, 15, 20, 3)).toBeNull(); // narrower than a vector
    expect(closeRectSimd(image(40, 20, 2), 40, 20, 65)).toBeNull(); // beyond the buffers' padding
    expect(closeRectSimd(image(40, 20, 2), 40, 20, 4)).toBeNull(); // even
  });

  it('median of five: the bytes of median5, n a multiple of 16 or not; null below 16 pixels', () => {
    for (const n of [16, 17, 1000, 4099]) {
      const frames = [0, 1, 2, 3, 4].map((k) => image(n, 1, 17 * k + n));
      // ties too: two frames equal in places
      for (let i = 0; i < n; i += 3) frames[3][i] = frames[1][i];
      const js = new Uint8Array(n);
      median5(frames, js, n);
      expect(Buffer.from(median5Simd(frames, n)!).equals(Buffer.from(js))).toBe(true);
    }
    expect(median5Simd([0, 1, 2, 3, 4].map(() => new Uint8Array(15)), 15)).toBeNull();
  });
});
