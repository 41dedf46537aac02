/**
 * The darkening kernels on WebAssembly SIMD (src/segment/simdDark.ts) give the bits of the
 * JavaScript they replace: the coarse detector's 2 × 2-binned darkening (binnedDarkening) and the
 * segmenter's blurred darkening at its noise samples (blurredDarkeningAt), on random frames with
 * a gray map, background zeros (off the crystal), an odd half-width, and samples on and near every
 * border (left to the JavaScript); and the segmenter's darkening on row runs (darkenSpans, SimdBlur.darken).
 */
import { describe, expect, it } from 'vitest';
import { binnedDarkening } from '../../src/segment/coarseDetect.js';
import { blurredDarkeningAt, darkenSpans } from '../../src/segment/segmenter.js';
import { SimdBlur } from '../../src/segment/simdBlur.js';
import { BinnedDarkeningKernel, BlurredDarkeningAtKernel } from '../../src/segment/simdDark.js';
import { binnedSumJs } from '../helpers/binnedSum.js';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function scene(cw: number, ch: number, seed: number) {
  const r = rng(seed);
  const img = new Uint8Array(cw * ch).map(() => 60 + Math.floor(r() * 150));
  const Bc = new Float32Array(cw * ch).map(() => (r() < 0.05 ? 0 : 80 + r() * 120));
  const map = new Uint8Array(256).map((_, g) => Math.min(255, Math.round(((g - 16) * 255) / 219 < 0 ? 0 : ((g - 16) * 255) / 219)));
  return { img, Bc, map, r };
}

describe('darkening kernels on WebAssembly SIMD', () => {
  it('binned darkening: the bits of binnedDarkening (odd half-width, blocks off the crystal, two gains)', () => {
    for (const [cw, ch] of [[38, 21], [64, 40], [1922, 7]] as Array<[number, number]>) {
      const { img, Bc, map } = scene(cw, ch, cw + ch);
      const hw = cw >> 1, hh = ch >> 1;
      const bSum = binnedSumJs(Bc, Bc, cw, hw, hh);
      const k = new BinnedDarkeningKernel(bSum, hw, hh, cw, ch);
      for (const gain of [1, 0.98731]) {
        const js = new Float32Array(hw * hh);
        binnedDarkening(img, map, bSum, gain, js, hw, hh, cw);
        const simd = k.compute(img, map, gain);
        expect(Buffer.from(simd.buffer, simd.byteOffset, simd.byteLength).equals(Buffer.from(js.buffer))).toBe(true);
        expect(js.some((d) => d !== 0)).toBe(true);
      }
    }
  });

  it('blurred darkening at samples: the bits of blurredDarkeningAt, inside the image; the border samples left to it', () => {
    const cw = 101, ch = 57;
    const { img, Bc, map, r } = scene(cw, ch, 5);
    const idx: number[] = [];
    for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) if (u < 3 || v < 3 || u > cw - 4 || v > ch - 4 || r() < 0.2) idx.push(v * cw + u);
    const si = Int32Array.from(idx);
    const k = new BlurredDarkeningAtKernel(Bc, cw, ch, si);
    const interior = k.interior.reduce((a, x) => a + x, 0);
    expect(interior).toBeGreaterThan(500);
    expect(interior).toBeLessThan(si.length - 500); // many border samples too
    // (the kernel computes two interior samples at a time: an odd count of them too; the first
    // samples only, as for a frame segmented on rectangles)
    const interiorIn = (n: number) => k.interior.subarray(0, n).reduce((a, x) => a + x, 0);
    const near = Array.from({ length: 200 }, (_, q) => 700 + q);
    const nOdd = near.find((n) => interiorIn(n) % 2 === 1)!, nEven = near.find((n) => interiorIn(n) % 2 === 0)!;
    expect([nOdd, nEven].every((n) => n !== undefined)).toBe(true);
    for (const [gain, n] of [[1, si.length], [1.0213, si.length], [0.9871, nOdd], [1.004, nEven], [1, si.length]] as Array<[number, number]>) {
      const js = new Float64Array(si.length), mixed = new Float64Array(si.length).fill(NaN);
      blurredDarkeningAt(img, map, Bc, gain, cw, ch, si.subarray(0, n), js, new Float32Array(25), new Float64Array(5));
      k.compute(img, map, gain, n, mixed);
      blurredDarkeningAt(img, map, Bc, gain, cw, ch, si.subarray(0, n), mixed, new Float32Array(25), new Float64Array(5), k.interior);
      for (let i = 0; i < n; i++) expect(Object.is(mixed[i], js[i]), `sample ${i} (${si[i] % cw}, ${Math.floor(si[i] / cw)})`).toBe(true);
      // the samples past n are not written
      for (let i = n; i < si.length; i++) expect(mixed[i]).toBeNaN();
    }
  });

  it('darkening on row runs: the bits of darkenSpans, pixels off the runs untouched (few runs, many, more than one chunk)', () => {
    const cw = 203, ch = 97;
    const { img, Bc, map, r } = scene(cw, ch, 11);
    const blur = new SimdBlur(cw, ch, true);
    blur.Bc.set(Bc);
    // runs of 0–9 px (every tail length of the 4-wide loop) and whole rows; disjoint within a row
    const runsOf = (rows: number, perRow: number): Int32Array => {
      const out: number[] = [];
      for (let q = 0; q < rows; q++) {
        const v = Math.floor(r() * ch);
        let x = Math.floor(r() * 5);
        for (let k = 0; k < perRow && x < cw; k++) {
          const len = perRow === 1 ? cw - x : Math.floor(r() * 10);
          out.push(v, x, Math.min(cw, x + len));
          x += len + 1 + Math.floor(r() * 6);
        }
      }
      return Int32Array.from(out);
    };
    // (few runs: the frame copied run by run; many: whole; > 4096 runs: several kernel calls)
    for (const [spans, gain] of [[runsOf(6, 4), 1], [runsOf(60, 1), 0.98731], [runsOf(250, 900), 1.0213]] as Array<[Int32Array, number]>) {
      const before = new Float32Array(cw * ch).map(() => r() - 0.5);
      const js = before.slice();
      blur.D.set(before);
      darkenSpans(img, map, Bc, js, gain, cw, spans);
      blur.darken(img, map, gain, spans);
      expect(Buffer.from(blur.D.buffer, blur.D.byteOffset, blur.D.byteLength).equals(Buffer.from(js.buffer))).toBe(true);
      let changed = 0;
      for (let i = 0; i < js.length; i++) if (js[i] !== before[i]) changed++;
      expect(changed).toBeGreaterThan(20);
      if (gain === 1.0213) expect(spans.length / 3).toBeGreaterThan(4096);
    }
  });
});
