/**
 * register: drift, resampling and gain against scenes with exactly known sub-pixel shifts
 * (a continuous grain texture evaluated at x − d; see synthTexture.ts). Non-square frames
 * (200×150) so swapped axes fail.
 */
import { describe, expect, it } from 'vitest';
import {
  DriftTracker, estimateGain, estimateShift, fft2d, registerFrame, shiftImage, ShiftEstimator,
} from '../../src/register/index.js';
import { fft2dReal, ifft2dReal } from '../../src/register/fft2d.js';
import { GrainScene, gaussian, mulberry32 } from './synthTexture.js';

const W = 200, H = 150;
const scene = new GrainScene(W, H, 7);
const reference = scene.render();
const SHIFTS: Array<[number, number]> = [[0.3, -0.7], [2.37, 1.61], [-5.5, 3.25], [7.8, -6.1], [0, 0.45]];

function rms(a: ArrayLike<number>, b: ArrayLike<number>, border: number): number {
  let s = 0, n = 0;
  for (let y = border; y < H - border; y++) for (let x = border; x < W - border; x++) {
    const d = a[y * W + x] - b[y * W + x];
    s += d * d;
    n++;
  }
  return Math.sqrt(s / n);
}

describe('fft2d', () => {
  it('matches a direct DFT and inverts (8×4)', () => {
    const nx = 8, ny = 4;
    const rand = mulberry32(1);
    const re = Float64Array.from({ length: nx * ny }, () => rand() - 0.5);
    const im = Float64Array.from({ length: nx * ny }, () => rand() - 0.5);
    const r0 = re.slice(), i0 = im.slice();
    fft2d(re, im, nx, ny);
    for (const [kx, ky] of [[0, 0], [3, 1], [7, 3], [4, 2]]) {
      let sr = 0, si = 0;
      for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
        const ph = -2 * Math.PI * ((kx * x) / nx + (ky * y) / ny);
        sr += r0[y * nx + x] * Math.cos(ph) - i0[y * nx + x] * Math.sin(ph);
        si += r0[y * nx + x] * Math.sin(ph) + i0[y * nx + x] * Math.cos(ph);
      }
      expect(re[ky * nx + kx]).toBeCloseTo(sr, 10);
      expect(im[ky * nx + kx]).toBeCloseTo(si, 10);
    }
    fft2d(re, im, nx, ny, true);
    for (let i = 0; i < re.length; i++) {
      expect(re[i]).toBeCloseTo(r0[i], 12);
      expect(im[i]).toBeCloseTo(i0[i], 12);
    }
  });

  it('real-input forms agree with the complex transform (16×8)', () => {
    const nx = 16, ny = 8;
    const rand = mulberry32(2);
    const img = Float64Array.from({ length: nx * ny }, () => rand());
    const re = img.slice(), im = new Float64Array(nx * ny);
    fft2d(re, im, nx, ny);
    const r = fft2dReal(img, nx, ny);
    for (let i = 0; i < re.length; i++) {
      expect(r.re[i]).toBeCloseTo(re[i], 10);
      expect(r.im[i]).toBeCloseTo(im[i], 10);
    }
    const back = ifft2dReal(r.re, r.im, nx, ny);
    for (let i = 0; i < img.length; i++) expect(back[i]).toBeCloseTo(img[i], 12);
  });
});

describe('estimateShift', () => {
  it('sign convention: a feature moved right and down gives dx > 0, dy > 0', () => {
    const f = scene.render({ dxPx: 3, dyPx: 2 });
    const e = estimateShift(reference, f, W, H);
    expect(e.dxPx).toBeCloseTo(3, 1);
    expect(e.dyPx).toBeCloseTo(2, 1);
  });

  it('recovers sub-pixel shifts within 0.05 px without noise', () => {
    const est = new ShiftEstimator(reference, W, H);
    for (const [dx, dy] of SHIFTS) {
      const e = est.estimate(scene.render({ dxPx: dx, dyPx: dy }));
      expect(Math.abs(e.dxPx - dx), `dx for (${dx}, ${dy})`).toBeLessThan(0.05);
      expect(Math.abs(e.dyPx - dy), `dy for (${dx}, ${dy})`).toBeLessThan(0.05);
      expect(e.peak).toBeGreaterThan(0.1);
    }
  });

  it('recovers shifts within 0.15 px with Gaussian noise σ = 8 gray levels and 3 % gain', () => {
    const est = new ShiftEstimator(reference, W, H);
    SHIFTS.forEach(([dx, dy], k) => {
      const e = est.estimate(scene.render({ dxPx: dx, dyPx: dy, noiseSigma: 8, noiseSeed: 100 + k, gain: 1.03 }));
      expect(Math.abs(e.dxPx - dx), `dx for (${dx}, ${dy})`).toBeLessThan(0.15);
      expect(Math.abs(e.dyPx - dy), `dy for (${dx}, ${dy})`).toBeLessThan(0.15);
    });
  });

  it('a masked growing dark crack does not bias the drift by more than 0.1 px', () => {
    // A wedge crack (scene coordinates) from the top edge, 40 % darker, grown to 110 px.
    const crack = (lengthPx: number) => (xs: number, ys: number) => {
      const half = 6 * (1 - ys / lengthPx);
      return ys >= 0 && ys <= lengthPx && Math.abs(xs - 90 - 0.3 * ys) <= half ? 0.6 : 1;
    };
    const mask = new Uint8Array(W * H).fill(1);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      // Dilated by 3 px beyond the drift: masks are made from the previous frame's segmentation.
      const half = 6 * (1 - y / 110) + 3 + 2;
      if (y <= 115 && Math.abs(x - 90 - 0.3 * y) <= half) mask[y * W + x] = 0;
    }
    const est = new ShiftEstimator(reference, W, H);
    for (const [dx, dy] of [[1.4, -0.6], [-2.25, 1.8]]) {
      const f = scene.render({ dxPx: dx, dyPx: dy, noiseSigma: 8, noiseSeed: 7, darken: crack(110) });
      const e = est.estimate(f, { mask });
      expect(Math.hypot(e.dxPx - dx, e.dyPx - dy)).toBeLessThan(0.1);
    }
  });

  it('rejects frames of the wrong size with a message naming the size', () => {
    expect(() => estimateShift(reference, new Uint8Array(10), W, H)).toThrow(/200×150/);
  });
});

describe('shiftImage', () => {
  it('moves a shifted frame back onto the reference (bilinear, interior RMS < 2.5 gray levels)', () => {
    for (const [dx, dy] of SHIFTS) {
      const f = scene.render({ dxPx: dx, dyPx: dy });
      const out = shiftImage(f, W, H, dx, dy, new Uint8Array(W * H));
      const b = Math.ceil(Math.max(Math.abs(dx), Math.abs(dy))) + 1;
      expect(rms(out, reference, b)).toBeLessThan(2.5);
      expect(rms(out, reference, b)).toBeLessThan(rms(f, reference, b) / 2);
    }
  });

  it('is exact for whole-pixel shifts and replicates edge pixels', () => {
    const out = shiftImage(reference, W, H, 3, -2, new Uint8Array(W * H));
    for (const [x, y] of [[0, 2], [50, 40], [196, 149]]) expect(out[y * W + x]).toBe(reference[(y - 2) * W + x + 3]);
    // Sources beyond the right/top edges repeat the last column / first row.
    expect(out[10 * W + 199]).toBe(reference[8 * W + 199]);
    expect(out[0 * W + 20]).toBe(reference[0 * W + 23]);
  });

  it('a round trip (d, then −d) restores the interior within 2 gray levels RMS', () => {
    const a = shiftImage(reference, W, H, 1.37, -2.61, new Uint8Array(W * H));
    const back = shiftImage(a, W, H, -1.37, 2.61, new Uint8Array(W * H));
    expect(rms(back, reference, 5)).toBeLessThan(2);
  });
});

describe('gain', () => {
  it('estimateGain recovers a 3 % flicker within 0.5 % under noise σ = 8', () => {
    for (const g of [0.97, 1.03]) {
      const f = scene.render({ gain: g, noiseSigma: 8, noiseSeed: 3 });
      expect(Math.abs(estimateGain(reference, f, W, H) / g - 1)).toBeLessThan(0.005);
    }
  });

  it('registerFrame recovers drift and gain together, and normalises the gain', () => {
    const f = scene.render({ dxPx: -3.3, dyPx: 2.7, gain: 1.03, noiseSigma: 8, noiseSeed: 11 });
    const out = new Uint8Array(W * H);
    const r = registerFrame(reference, f, W, H, out);
    expect(Math.hypot(r.dxPx + 3.3, r.dyPx - 2.7)).toBeLessThan(0.15);
    expect(Math.abs(r.gain / 1.03 - 1)).toBeLessThan(0.005);
    // Normalised frame has the reference's brightness (median ratio ≈ 1).
    expect(Math.abs(estimateGain(reference, out, W, H, { borderPx: 5 }) - 1)).toBeLessThan(0.005);
  });
});

describe('DriftTracker', () => {
  it('reports raw per-frame drift and reuses the previous estimate for a frame without signal', () => {
    const tr = new DriftTracker(reference, W, H);
    const noise = gaussian(mulberry32(5));
    const truth: Array<[number, number]> = [];
    for (let i = 0; i < 8; i++) {
      const dx = 0.6 * i + 0.3 * noise(), dy = -0.4 * i + 0.3 * noise();
      truth.push([dx, dy]);
      let f = scene.render({ dxPx: dx, dyPx: dy, noiseSigma: 8, noiseSeed: 20 + i });
      // Frame 5: the lamp went out (sensor noise only).
      if (i === 5) {
        const dark = gaussian(mulberry32(77));
        f = Uint8Array.from(f, () => Math.max(0, Math.min(255, Math.round(20 + 8 * dark()))));
      }
      tr.update(f, { index: i, tS: 0.5 * i });
    }
    const s = tr.samples;
    expect(s).toHaveLength(8);
    s.forEach((x, i) => {
      if (i === 5) {
        expect(x.reliable).toBe(false);
        expect(x.peakZ).toBeLessThan(6);
        expect(x.dxPx).toBe(s[4].dxPx);
        expect(x.dyPx).toBe(s[4].dyPx);
      } else {
        expect(x.reliable).toBe(true);
        expect(x.peakZ).toBeGreaterThan(10);
        expect(Math.hypot(x.dxPx - truth[i][0], x.dyPx - truth[i][1])).toBeLessThan(0.15);
        expect(x.tS).toBe(0.5 * i);
      }
    });
  });

  it('flags a jump larger than maxJumpPx and keeps the previous drift', () => {
    const tr = new DriftTracker(reference, W, H, { maxJumpPx: 3 });
    const a = tr.update(scene.render({ dxPx: 0.5, dyPx: 0.25 }));
    const b = tr.update(scene.render({ dxPx: 9.5, dyPx: 0.25 }));
    const c = tr.update(scene.render({ dxPx: 1.5, dyPx: -0.75 }));
    expect(a.reliable && !b.reliable && c.reliable).toBe(true);
    expect(b.dxPx).toBe(a.dxPx);
    expect(Math.hypot(c.dxPx - 1.5, c.dyPx + 0.75)).toBeLessThan(0.05);
  });
});
