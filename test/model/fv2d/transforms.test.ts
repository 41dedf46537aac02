import { describe, expect, it } from 'vitest';
import { createFftPlan } from '../../../src/model/fv2d/fftPlan.js';
import { TrigTransform } from '../../../src/model/fv2d/trigTransform.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

describe('fv2d FFT and trigonometric transforms', () => {
  const lengths = [1, 2, 3, 4, 5, 6, 7, 12, 25, 49, 97, 100, 160];

  it('mixed-radix FFT equals the direct DFT and inverts exactly', () => {
    const r = rng(1);
    for (const n of lengths) {
      const re = Float64Array.from({ length: n }, r);
      const im = Float64Array.from({ length: n }, r);
      const fr = re.slice();
      const fi = im.slice();
      const plan = createFftPlan(n);
      plan.forward(fr, fi);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * ((j * k) % n)) / n;
          sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
          si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
        }
        expect(Math.abs(fr[k] - sr)).toBeLessThan(1e-12 * n);
        expect(Math.abs(fi[k] - si)).toBeLessThan(1e-12 * n);
      }
      plan.inverse(fr, fi);
      for (let j = 0; j < n; j++) {
        expect(Math.abs(fr[j] - re[j])).toBeLessThan(1e-14 * n);
        expect(Math.abs(fi[j] - im[j])).toBeLessThan(1e-14 * n);
      }
    }
  });

  it('DCT-II / DST-II (paired) equal their definitions and invert exactly', () => {
    const r = rng(2);
    for (const n of lengths) {
      const t = new TrigTransform(n);
      const a = Float64Array.from({ length: n }, r);
      const b = Float64Array.from({ length: n }, r);
      const ca = a.slice();
      const cb = b.slice();
      t.dct2(ca, cb);
      const sa = a.slice();
      t.dst2(sa);
      for (let k = 0; k < n; k++) {
        let c1 = 0;
        let c2 = 0;
        let s1 = 0;
        for (let j = 0; j < n; j++) {
          c1 += a[j] * Math.cos((Math.PI * k * (j + 0.5)) / n);
          c2 += b[j] * Math.cos((Math.PI * k * (j + 0.5)) / n);
          s1 += a[j] * Math.sin((Math.PI * (k + 1) * (j + 0.5)) / n);
        }
        expect(Math.abs(ca[k] - c1)).toBeLessThan(1e-12 * n);
        expect(Math.abs(cb[k] - c2)).toBeLessThan(1e-12 * n);
        expect(Math.abs(sa[k] - s1)).toBeLessThan(1e-12 * n);
      }
      t.idct2(ca, cb);
      t.idst2(sa);
      for (let j = 0; j < n; j++) {
        expect(Math.abs(ca[j] - a[j])).toBeLessThan(1e-13);
        expect(Math.abs(cb[j] - b[j])).toBeLessThan(1e-13);
        expect(Math.abs(sa[j] - a[j])).toBeLessThan(1e-13);
      }
    }
  });
});
