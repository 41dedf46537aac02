/**
 * Order statistics (src/core/quantile.ts) against sorting: every k of small arrays, medians and
 * robust σ of large ones (above the Floyd–Rivest sample threshold of 600), with ties, ±0,
 * Float32Array and a prefix n shorter than the array; the partition property selection promises.
 */
import { describe, expect, it } from 'vitest';
import { medianInPlace, quickselect, robustSigmaInPlace } from '../../src/core/quantile.js';
import { mulberry32 as rng } from '../helpers/rng.js';

const sorted = (a: ArrayLike<number>, n = a.length) => Array.from(a).slice(0, n).sort((x, y) => x - y);

describe('order statistics', () => {
  it('quickselect gives the k-th smallest and partitions around it (sizes 1–2000 and 20 000, ties, every k of the small ones)', () => {
    const r = rng(3);
    const kinds = [
      (n: number) => Float64Array.from({ length: n }, () => r()),
      (n: number) => Float64Array.from({ length: n }, () => Math.floor(r() * 7)), // many ties
      (n: number) => Float64Array.from({ length: n }, (_, i) => i), // sorted
      (n: number) => Float64Array.from({ length: n }, (_, i) => n - i), // reversed
      (n: number) => Float32Array.from({ length: n }, () => (r() - 0.5) * 0.02 + (r() < 0.03 ? 0.3 : 0)),
    ];
    for (const n of [1, 2, 3, 7, 64, 601, 602, 1000, 2000, 20000]) {
      for (const make of kinds) {
        const src = make(n), want = sorted(src);
        const ks = n <= 64 ? Array.from({ length: n }, (_, k) => k) : [0, 1, n >> 2, n >> 1, n - 2, n - 1, Math.floor(r() * n)];
        for (const k of ks) {
          const a = src.slice();
          expect(quickselect(a, k)).toBe(want[k]);
          expect(sorted(a)).toEqual(want); // a permutation
          let wrong = -1;
          for (let i = 0; i < n && wrong < 0; i++) if ((i < k && !(a[i] <= a[k])) || (i > k && !(a[i] >= a[k]))) wrong = i;
          expect(wrong, `a[${wrong}] on the wrong side of a[${k}]`).toBe(-1);
        }
      }
    }
  });

  it('median (mean of the middle two for even n), on a prefix, and robust σ equal sorting\'s', () => {
    const r = rng(9);
    for (const n of [1, 2, 5, 6, 599, 600, 601, 4800, 4801, 20000]) {
      const a = Float64Array.from({ length: n + 5 }, () => (r() < 0.5 ? -0 : 0) + Math.round(r() * 1e4) / 1e4);
      const want = sorted(a, n);
      const med = n % 2 ? want[n >> 1] : (want[n / 2 - 1] + want[n / 2]) / 2;
      expect(medianInPlace(a.slice(), n)).toBe(med);
      const dev = sorted(want.map((x) => Math.abs(x - med)));
      const mad = n % 2 ? dev[n >> 1] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
      expect(robustSigmaInPlace(a.slice(), n)).toBe(1.4826 * mad);
    }
    expect(medianInPlace(new Float64Array(0))).toBeNaN();
  });
});
