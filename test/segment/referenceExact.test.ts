/**
 * The reference's fast paths against straightforward ground truth, value for value (the
 * reference must not change by a bit): median networks vs sorting, robustSigma by selection vs
 * two sorts, run-based keepCrackLike vs OpenCV's connected components, run-based dilateBinary
 * vs a per-pixel square, SWAR column pass of closeRect vs OpenCV, the padded 4-column tap loop of
 * gaussianAtPoints vs the direct clamped sum.
 */
import { describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { dilateBinary, keepCrackLike, medianImage, robustSigma } from '../../src/segment/reference.js';
import { closeRect } from '../../src/segment/rectMorphology.js';
import { gaussianAtPoints, gaussianKernel } from '../../src/segment/sparseGaussian.js';
import { cvCloseRect } from '../helpers/cvReference.js';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('reference fast paths are exact', () => {
  it('medianImage equals the sorted middle (rounded mean of the two for even k), k = 1..9', () => {
    const rnd = lcg(1);
    const n = 20000;
    for (let k = 1; k <= 9; k++) {
      // many ties and the extremes 0 / 255 (a few levels), and uniform noise
      const frames = Array.from({ length: k }, () => Uint8Array.from({ length: n }, (_, i) => (i < n / 2 ? [0, 1, 254, 255, 128][Math.floor(rnd() * 5)] : Math.floor(rnd() * 256))));
      const got = medianImage(frames, n);
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const s = frames.map((f) => f[i]).sort((a, b) => a - b);
        const want = k % 2 ? s[(k - 1) >> 1] : (s[k / 2 - 1] + s[k / 2] + 1) >> 1;
        if (got[i] !== want) bad++;
      }
      expect(bad, `k=${k}`).toBe(0);
    }
  });

  it('medianImage with 3, 4 and 5 frames: every combination of levels {0, 1, 2, 200, 255}', () => {
    const L = [0, 1, 2, 200, 255];
    for (const k of [3, 4, 5]) {
      const n = L.length ** k;
      const frames = Array.from({ length: k }, (_, j) => Uint8Array.from({ length: n }, (_, i) => L[Math.floor(i / L.length ** j) % L.length]));
      const got = medianImage(frames, n);
      for (let i = 0; i < n; i++) {
        const s = frames.map((f) => f[i]).sort((a, b) => a - b);
        const want = k % 2 ? s[(k - 1) >> 1] : (s[k / 2 - 1] + s[k / 2] + 1) >> 1;
        if (got[i] !== want) expect(`${k}: ${[...s]} → ${got[i]}`).toBe(`median ${want}`);
      }
    }
  });

  it('robustSigma equals the two-sort definition (ties, ±0, NaN, ±Infinity; the input is kept)', () => {
    const bySort = (v: ArrayLike<number>) => {
      const a = Float64Array.from(v).sort();
      if (a.length === 0) return NaN;
      const med = a[a.length >> 1];
      const dev = a.map((x) => Math.abs(x - med)).sort();
      return 1.4826 * dev[dev.length >> 1];
    };
    const rnd = lcg(2);
    const cases: number[][] = [[], [3], [1, 2], [0, -0, 0, -0, 1], [NaN, 1, 2, 3], [NaN, NaN, NaN, 1], [Infinity, -Infinity, 1, 2, 3]];
    for (const n of [11, 100, 1001, 5000]) {
      cases.push(Array.from({ length: n }, () => Math.round(rnd() * 20) / 7 - 1)); // heavy ties
      cases.push(Array.from({ length: n }, () => (rnd() - 0.5) * (rnd() < 0.05 ? 100 : 1)));
    }
    for (const c of cases) {
      const copy = [...c];
      expect(Object.is(robustSigma(c), bySort(c)), `${c.slice(0, 8)}`).toBe(true);
      expect(robustSigma(Float64Array.from(c))).toStrictEqual(bySort(c));
      expect(c).toStrictEqual(copy);
    }
  });

  it('dilateBinary equals the per-pixel square dilation', () => {
    const rnd = lcg(3);
    for (const [w, h, r, p] of [[37, 23, 2, 0.02], [64, 40, 1, 0.2], [17, 9, 3, 0.5], [8, 8, 2, 0]]) {
      const mask = Uint8Array.from({ length: w * h }, () => (rnd() < p ? 1 : 0));
      const got = dilateBinary(mask, w, h, r);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let want = 0;
          for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) want |= mask[yy * w + xx];
          if (got[y * w + x] !== want) expect(`${w}×${h} r=${r} (${x}, ${y})`).toBe(`= ${want}`);
        }
      }
    }
  });

  /** keepCrackLike as it was, on OpenCV's connectedComponentsWithStats (ground truth). */
  function keepCrackLikeCv(
    cv: Cv, dark: Uint8Array, darkRel: Float32Array, cw: number, ch: number, ifaceV: Float32Array,
    opts: { crackElongation: number; touchBandPx: number; minDepthPx: number; minContrastRel: number; minTouchContrastRel: number },
  ): number {
    const src = cv.matFromArray(ch, cw, cv.CV_8UC1, dark);
    const labels = new cv.Mat(), stats = new cv.Mat(), cents = new cv.Mat();
    const n: number = cv.connectedComponentsWithStats(src, labels, stats, cents, 8, cv.CV_32S);
    const st = stats.data32S as Int32Array, lab = labels.data32S as Int32Array;
    const touches = new Uint8Array(n), depth = new Float32Array(n), peak = new Float32Array(n);
    const m = new Float64Array(n * 5);
    for (let v = 0; v < ch; v++) {
      for (let u = 0; u < cw; u++) {
        const l = lab[v * cw + u];
        if (!l) continue;
        if (v <= ifaceV[u] + opts.touchBandPx) touches[l] = 1;
        depth[l] = Math.max(depth[l], v - ifaceV[u]);
        peak[l] = Math.max(peak[l], darkRel[v * cw + u]);
        const x = u - st[l * 5], y = v - st[l * 5 + 1], o = l * 5;
        m[o] += x; m[o + 1] += y; m[o + 2] += x * x; m[o + 3] += y * y; m[o + 4] += x * y;
      }
    }
    const keep = new Uint8Array(n);
    const e2 = opts.crackElongation * opts.crackElongation;
    for (let l = 1; l < n; l++) {
      if (touches[l]) { keep[l] = depth[l] >= opts.minDepthPx && peak[l] >= opts.minTouchContrastRel ? 1 : 0; continue; }
      const a = st[l * 5 + 4], o = l * 5;
      if (a < 3 || peak[l] < opts.minContrastRel) continue;
      const mx = m[o] / a, my = m[o + 1] / a;
      const sxx = m[o + 2] / a - mx * mx + 1 / 12, syy = m[o + 3] / a - my * my + 1 / 12, sxy = m[o + 4] / a - mx * my;
      const tr = sxx + syy, det = sxx * syy - sxy * sxy;
      const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
      if ((tr / 2 + disc) / Math.max(1e-9, tr / 2 - disc) >= e2) keep[l] = 1;
    }
    let kept = 0;
    for (let i = 0; i < dark.length; i++) {
      if (dark[i] && !keep[lab[i]]) dark[i] = 0;
      else if (dark[i]) kept++;
    }
    for (const q of [src, labels, stats, cents]) q.delete();
    return kept;
  }

  it('keepCrackLike (runs + union–find) keeps exactly what OpenCV-labelled components kept', async () => {
    const cv = await loadOpenCv();
    const rnd = lcg(4);
    const opts = { crackElongation: 2.8, touchBandPx: 6, minDepthPx: 6, minContrastRel: 0.05, minTouchContrastRel: 0.04 };
    let keptSome = 0, droppedSome = 0;
    for (const [w, h, p] of [[97, 61, 0.05], [128, 80, 0.3], [61, 45, 0.55], [40, 30, 0]]) {
      // random speckle (many touching-diagonally pixels), plus lines and blobs
      const dark = Uint8Array.from({ length: w * h }, () => (rnd() < p ? 1 + Math.floor(rnd() * 3) : 0));
      for (let q = 0; q < 12; q++) {
        const x0 = Math.floor(rnd() * w), y0 = Math.floor(rnd() * h), len = 3 + Math.floor(rnd() * 30), dx = rnd() * 2 - 1, dy = rnd() * 2 - 1;
        for (let t = 0; t < len; t++) {
          const x = Math.round(x0 + dx * t), y = Math.round(y0 + dy * t);
          if (x >= 0 && x < w && y >= 0 && y < h) dark[y * w + x] = 1;
        }
      }
      const darkRel = Float32Array.from({ length: w * h }, () => rnd() * 0.1);
      const iface = Float32Array.from({ length: w }, (_, u) => (u % 7) + rnd() * 3 - 0.5);
      const want = dark.slice(), got = dark.slice();
      const nWant = keepCrackLikeCv(cv, want, darkRel, w, h, iface, opts);
      const nGot = keepCrackLike(got, darkRel, w, h, iface, opts);
      expect(nGot, `${w}×${h}`).toBe(nWant);
      expect(got, `${w}×${h}`).toStrictEqual(want);
      keptSome += nWant;
      for (let i = 0; i < dark.length; i++) if (dark[i] && !want[i]) droppedSome++;
    }
    expect(keptSome).toBeGreaterThan(0); // the cases exercise both outcomes
    expect(droppedSome).toBeGreaterThan(0);
  });

  it('closeRect equals cv.morphologyEx(MORPH_CLOSE) with whole-word rows and with an unaligned source', async () => {
    const cv = await loadOpenCv();
    const rnd = lcg(5);
    for (const [w, h, k, offset] of [[64, 48, 31, 0], [120, 33, 7, 0], [96, 70, 31, 1], [44, 10, 3, 3]]) {
      const buf = Uint8Array.from({ length: w * h + offset }, () => (rnd() < 0.5 ? 180 + Math.floor(rnd() * 76) : Math.floor(rnd() * 100)));
      const img = buf.subarray(offset, offset + w * h);
      const want = cvCloseRect(cv, img, w, h, k);
      expect(closeRect(img, w, h, k), `${w}×${h} k=${k} offset=${offset}`).toStrictEqual(want);
    }
  });

  it('gaussianAtPoints equals the direct clamped double sum, bit for bit (u8, f32 and number[] images)', () => {
    const rnd = lcg(6);
    const w = 53, h = 37, ks = 21, kern = gaussianKernel(ks, 3.5), r = (ks - 1) >> 1;
    const u8 = Uint8Array.from({ length: w * h }, () => Math.floor(rnd() * 256));
    const f32 = Float32Array.from(u8, (x) => x * 0.37 + 0.1);
    const us = Int32Array.from({ length: 41 }, () => Math.floor(rnd() * w)); // 41: not a multiple of 4
    const vs = Int32Array.from({ length: 41 }, () => Math.floor(rnd() * h));
    us[0] = 0; vs[0] = 0; us[1] = w - 1; vs[1] = h - 1;
    for (const img of [u8, f32, Array.from(f32)]) {
      const got = gaussianAtPoints(img, w, h, kern, us, vs);
      for (let i = 0; i < us.length; i++) {
        let s = 0;
        for (let t = 0; t <= 2 * r; t++) {
          const v = Math.min(h - 1, Math.max(0, vs[i] - r + t));
          let hs = 0;
          for (let q = 0; q <= 2 * r; q++) hs += kern[q] * img[v * w + Math.min(w - 1, Math.max(0, us[i] - r + q))];
          s += kern[t] * hs;
        }
        expect(got[i]).toBe(s);
      }
    }
  });
});
