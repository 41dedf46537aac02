/**
 * Sub-pixel stage drift of a frame against a fixed reference, in two steps:
 *
 * 1. Coarse — phase correlation. Both images are block-averaged by a power of two f ≥
 *    `pcMinFactor` until each side is ≤ `pcMaxSidePx` (f = 2 for 320×240 → 160×120 in a 256×128
 *    FFT; f = 8 for 1920×1080 → 240×135 in 256×256), the weighted mean is
 *    removed, a Hann window applied and the result zero-padded to a power-of-two size. The
 *    peak of IFFT(F·conj(R) / |F·conj(R)|) within ±maxShiftPx, refined by a parabola through its 3×3
 *    neighbourhood on each axis, gives the shift to ≈ ±0.1·f px; its height (1 for identical
 *    images, ≈ 0 for unrelated ones) is the quality `peak`, and its ratio to the RMS of the
 *    surface the significance `peakZ` (the surface is Gaussian-smoothed by `pcSmoothPx` to
 *    lift the peak above noise lags). Unusable pixels of the frame are
 *    replaced by the local mean of the reference, so a growing crack adds no structure.
 * 2. Fine — iterative, robust Lucas–Kanade (inverse compositional) on the full-resolution
 *    images smoothed by a Gaussian (σ = `smoothSigmaPx`, 0.8 px, against sensor noise), restricted to
 *    a centred window of at most `lkMaxSidePx` per side, sampled on a regular grid of at most
 *    `maxSamples` points (stride 2 at 320×240): the frame, resampled bilinearly at
 *    x + d, is fitted as a·R(x − δ) + b (gain a and offset b absorb lamp flicker) by weighted
 *    least squares; d ← d + δ until |δ| < 0.001 px. Weights are the mask (0 = unusable) times
 *    Huber weights of the residuals (k = 2 robust σ of the previous iteration), so unmasked changes (a crack that grew
 *    since the mask was made, dust that moved) are down-weighted rather than averaged in.
 *
 * Convention: frame(x, y) ≈ reference(x − dx, y − dy), i.e. a feature at p in the reference
 * appears at p + (dx, dy) in the frame. `shiftImage(frame, …, dx, dy)` undoes it.
 * Masks are in reference (= registered) coordinates, 1 = usable.
 */
import { fft2dReal, ifft2dReal, isPowerOfTwo as isPow2, nextPowerOfTwo } from './fft2d.js';
import { blurRect, downsampleBlocks, hannWindow, medianInPlace, type GrayImage, type RectPx } from './imageOps.js';

/** Options of the drift estimator (all optional; defaults as documented per field). */
export interface ShiftOptions {
  /** Largest drift searched for, per axis [px]. Default: a quarter of the smaller side. */
  maxShiftPx?: number;
  /** Window of the phase correlation; only 'hann' is implemented. */
  window?: 'hann';
  /** Largest side of the block-averaged phase-correlation image [px]. Default 256. */
  pcMaxSidePx?: number;
  /**
   * Smallest block-averaging factor of the coarse step (power of two). Default 2: at 4 the
   * peak of weakly textured scenes sinks towards the noise lags (peakZ ≈ 6 instead of 12).
   */
  pcMinFactor?: number;
  /** Gaussian smoothing of the correlation surface [block-averaged px]. Default 1. */
  pcSmoothPx?: number;
  /** Largest side of the full-resolution Lucas–Kanade window [px]. Default 512. */
  lkMaxSidePx?: number;
  /** Gaussian pre-smoothing of both images for the fine step (against sensor noise) [px]. Default 0.8 (5 taps). */
  smoothSigmaPx?: number;
  /** Maximum Lucas–Kanade iterations. Default 20. */
  maxIterations?: number;
  /** Most pixels the fine step samples (a regular grid thins the window to this). Default 25 000. */
  maxSamples?: number;
  /** Skip the fine step (phase correlation only, ≈ 0.1–0.3 px). Default false. */
  coarseOnly?: boolean;
}

/** Per-frame inputs. */
export interface ShiftFrameOptions {
  /** 1 = usable pixel (crystal without cracks), 0 = ignore; width·height, reference coordinates. */
  mask?: Uint8Array;
  /** Starting guess for the fine step if phase correlation is unreliable [px]. */
  guessPx?: { dxPx: number; dyPx: number };
}

/** A drift estimate. */
export interface ShiftEstimate {
  /** Drift of the frame relative to the reference along x [px]: frame(x, y) ≈ reference(x − dx, y − dy). */
  dxPx: number;
  /** Drift along y (down) [px]. */
  dyPx: number;
  /** Phase-correlation peak height, 0…1: ≈ 1 identical content, ≲ 0.03 no match. */
  peak: number;
  /**
   * Peak significance: peak height over the RMS of the correlation surface in the search
   * area (away from the peak). Unrelated images give ≈ 4–5 (the largest of many noise lags);
   * a true match ≥ 10. Independent of the window size, unlike `peak`.
   */
  peakZ: number;
  /** Gain a of the fine fit frame ≈ a·reference + b (NaN for coarseOnly). */
  fitGain: number;
  /** Lucas–Kanade iterations used (0 for coarseOnly). */
  iterations: number;
}

interface Resolved {
  maxShiftPx: number;
  pcMaxSidePx: number;
  lkMaxSidePx: number;
  smoothSigmaPx: number;
  maxIterations: number;
  coarseOnly: boolean;
  maxSamples: number;
  pcSmoothPx: number;
  pcMinFactor: number;
}

function resolve(width: number, height: number, o: ShiftOptions): Resolved {
  const r: Resolved = {
    maxShiftPx: o.maxShiftPx ?? Math.floor(Math.min(width, height) / 4),
    pcMaxSidePx: o.pcMaxSidePx ?? 256,
    lkMaxSidePx: o.lkMaxSidePx ?? 512,
    smoothSigmaPx: o.smoothSigmaPx ?? 0.8,
    maxIterations: o.maxIterations ?? 20,
    coarseOnly: o.coarseOnly ?? false,
    maxSamples: o.maxSamples ?? 25_000,
    pcSmoothPx: o.pcSmoothPx ?? 1,
    pcMinFactor: o.pcMinFactor ?? 2,
  };
  if (!(width >= 16 && height >= 16 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new RangeError(`register: frames must be at least 16×16 pixels; got ${width}×${height}`);
  }
  if (!isPow2(r.pcMinFactor)) throw new RangeError(`register: pcMinFactor must be a power of two; got ${r.pcMinFactor}`);
  if (!(r.maxShiftPx >= 1)) throw new RangeError(`register: maxShiftPx must be ≥ 1; got ${r.maxShiftPx}`);
  if (o.window !== undefined && o.window !== 'hann') throw new RangeError(`register: window must be 'hann'; got ${String(o.window)}`);
  return r;
}

/** Drift estimator with the reference prepared once (spectrum, smoothed image, gradients). */
export class ShiftEstimator {
  readonly width: number;
  readonly height: number;
  private readonly o: Resolved;
  // coarse step
  private readonly f: number;
  private readonly dw: number;
  private readonly dh: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly winX: Float64Array;
  private readonly winY: Float64Array;
  private readonly refLocalMean: Float64Array;
  private readonly refSpecRe: Float64Array;
  private readonly refSpecIm: Float64Array;
  private readonly lowpass: Float64Array;
  // fine step
  private readonly lk: RectPx;
  private readonly stride: number;
  private readonly refS: Float32Array;
  private readonly refGx: Float32Array;
  private readonly refGy: Float32Array;
  private readonly sampleX: Int32Array;
  private readonly sampleY: Int32Array;
  /** Index of each sample in the window arrays refS/refGx/refGy. */
  private readonly sampleI: Int32Array;

  constructor(reference: GrayImage, width: number, height: number, opts: ShiftOptions = {}) {
    this.width = width;
    this.height = height;
    this.o = resolve(width, height, opts);
    if (reference.length !== width * height) throw new RangeError(`register: reference has ${reference.length} pixels, expected ${width}×${height}`);

    // Block factor: sides ≤ pcMaxSidePx, at least pcMinFactor (cheap; the fine step recovers the
    // resolution), but never below 48 block pixels on the short side.
    let f = 1;
    while (Math.floor(width / f) > this.o.pcMaxSidePx || Math.floor(height / f) > this.o.pcMaxSidePx) f *= 2;
    f = Math.max(f, this.o.pcMinFactor);
    while (f > 1 && Math.min(width, height) / f < 48) f /= 2;
    this.f = f;
    const d = downsampleBlocks(reference, width, height, f);
    this.dw = d.width;
    this.dh = d.height;
    this.nx = nextPowerOfTwo(this.dw);
    this.ny = nextPowerOfTwo(this.dh);
    this.winX = hannWindow(this.dw);
    this.winY = hannWindow(this.dh);
    this.refLocalMean = boxMean(d.data, this.dw, this.dh, 4);
    const { re, im } = this.spectrum(d.data);
    // Gaussian taper of the whitened cross-power = Gaussian smoothing of the correlation surface
    // with σ = pcSmoothPx (downsampled pixels): raises the peak above the noise lags.
    this.lowpass = new Float64Array(this.nx * this.ny);
    const sc = 2 * Math.PI * Math.PI * this.o.pcSmoothPx * this.o.pcSmoothPx;
    for (let ky = 0; ky < this.ny; ky++) {
      const fy = (ky <= this.ny / 2 ? ky : ky - this.ny) / this.ny;
      for (let kx = 0; kx < this.nx; kx++) {
        const fx = (kx <= this.nx / 2 ? kx : kx - this.nx) / this.nx;
        this.lowpass[ky * this.nx + kx] = this.o.pcSmoothPx > 0 ? Math.exp(-sc * (fx * fx + fy * fy)) : 1;
      }
    }
    this.refSpecRe = re;
    this.refSpecIm = im;

    const lw = Math.min(width, this.o.lkMaxSidePx);
    const lh = Math.min(height, this.o.lkMaxSidePx);
    const x0 = (width - lw) >> 1;
    const y0 = (height - lh) >> 1;
    this.lk = { x0, y0, x1: x0 + lw, y1: y0 + lh };
    this.stride = Math.max(1, Math.ceil(Math.sqrt((lw * lh) / this.o.maxSamples)));
    // Smoothed reference on the window plus a 1-px border for central differences.
    const g: RectPx = { x0: x0 - 1, y0: y0 - 1, x1: x0 + lw + 1, y1: y0 + lh + 1 };
    const sm = blurRect(reference, width, height, clampRect(g, width, height, true), this.o.smoothSigmaPx);
    const gw = lw + 2;
    this.refS = new Float32Array(lw * lh);
    this.refGx = new Float32Array(lw * lh);
    this.refGy = new Float32Array(lw * lh);
    for (let y = 0; y < lh; y++) {
      for (let x = 0; x < lw; x++) {
        const c = (y + 1) * gw + x + 1;
        const i = y * lw + x;
        this.refS[i] = sm[c];
        this.refGx[i] = 0.5 * (sm[c + 1] - sm[c - 1]);
        this.refGy[i] = 0.5 * (sm[c + gw] - sm[c - gw]);
      }
    }
    const st = this.stride;
    const nS = Math.ceil(lw / st) * Math.ceil(lh / st);
    this.sampleX = new Int32Array(nS);
    this.sampleY = new Int32Array(nS);
    this.sampleI = new Int32Array(nS);
    let k = 0;
    for (let y = 0; y < lh; y += st) for (let x = 0; x < lw; x += st) {
      this.sampleX[k] = x + x0;
      this.sampleY[k] = y + y0;
      this.sampleI[k] = y * lw + x;
      k++;
    }
  }

  /** Drift of `frame` relative to the reference. */
  estimate(frame: GrayImage, frameOpts: ShiftFrameOptions = {}): ShiftEstimate {
    const { width, height } = this;
    if (frame.length !== width * height) throw new RangeError(`register: frame has ${frame.length} pixels, expected ${width}×${height}`);
    const mask = frameOpts.mask;
    if (mask && mask.length !== width * height) throw new RangeError(`register: mask has ${mask.length} pixels, expected ${width}×${height}`);
    const coarse = this.coarse(frame, mask);
    let start = { dxPx: coarse.dxPx, dyPx: coarse.dyPx };
    if (frameOpts.guessPx && coarse.peakZ < 6) start = frameOpts.guessPx;
    if (this.o.coarseOnly) return { ...start, peak: coarse.peak, peakZ: coarse.peakZ, fitGain: NaN, iterations: 0 };
    const fine = this.fine(frame, mask, start);
    return { dxPx: fine.dxPx, dyPx: fine.dyPx, peak: coarse.peak, peakZ: coarse.peakZ, fitGain: fine.gain, iterations: fine.iterations };
  }

  /** Mean-removed, Hann-windowed, zero-padded spectrum of a block-averaged image. */
  private spectrum(d: Float64Array): { re: Float64Array; im: Float64Array } {
    const { dw, dh, nx, ny, winX, winY } = this;
    let sw = 0, s = 0;
    for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) {
      const w = winX[x] * winY[y];
      sw += w;
      s += w * d[y * dw + x];
    }
    const mean = s / sw;
    const img = new Float64Array(nx * ny);
    for (let y = 0; y < dh; y++) for (let x = 0; x < dw; x++) img[y * nx + x] = (d[y * dw + x] - mean) * winX[x] * winY[y];
    return fft2dReal(img, nx, ny);
  }

  private coarse(frame: GrayImage, mask: Uint8Array | undefined): { dxPx: number; dyPx: number; peak: number; peakZ: number } {
    const { f, dw, dh, nx, ny } = this;
    const d = downsampleBlocks(frame, this.width, this.height, f).data;
    if (mask) {
      // A block with any unusable pixel takes the reference's local mean: no structure there.
      const md = downsampleBlocks(mask, this.width, this.height, f).data;
      for (let i = 0; i < md.length; i++) if (md[i] < 0.999) d[i] = this.refLocalMean[i];
    }
    const { re, im } = this.spectrum(d);
    const lp = this.lowpass;
    for (let i = 0; i < re.length; i++) {
      // F · conj(R), normalised to unit magnitude (whitening), then tapered towards high
      // frequencies where sensor noise and compression dominate.
      const a = re[i], b = im[i], c = this.refSpecRe[i], e = this.refSpecIm[i];
      const pr = a * c + b * e;
      const pi = b * c - a * e;
      const m = Math.hypot(pr, pi);
      if (m > 1e-12) { const g = lp[i] / m; re[i] = pr * g; im[i] = pi * g; } else { re[i] = 0; im[i] = 0; }
    }
    const corr = ifft2dReal(re, im, nx, ny);
    // The correlation of two windowed dw×dh images is confined to lags < dw, dh; the search
    // is limited further to ±maxShift.
    const lim = Math.max(1, Math.min(Math.floor(this.o.maxShiftPx / f), (nx >> 1) - 1, (ny >> 1) - 1, dw - 2, dh - 2));
    let best = -Infinity, bx = 0, by = 0;
    for (let sy = -lim; sy <= lim; sy++) {
      const row = ((sy + ny) % ny) * nx;
      for (let sx = -lim; sx <= lim; sx++) {
        const v = corr[row + ((sx + nx) % nx)];
        if (v > best) { best = v; bx = sx; by = sy; }
      }
    }
    let s2 = 0, n2 = 0;
    for (let sy = -lim; sy <= lim; sy++) {
      const row = ((sy + ny) % ny) * nx;
      for (let sx = -lim; sx <= lim; sx++) {
        if (Math.abs(sx - bx) <= 2 && Math.abs(sy - by) <= 2) continue;
        const v = corr[row + ((sx + nx) % nx)];
        s2 += v * v;
        n2++;
      }
    }
    const peakZ = n2 > 0 && s2 > 0 ? best / Math.sqrt(s2 / n2) : Infinity;
    const at = (sx: number, sy: number) => corr[((sy + ny) % ny) * nx + ((sx + nx) % nx)];
    const subX = parabolicOffset(at(bx - 1, by), best, at(bx + 1, by));
    const subY = parabolicOffset(at(bx, by - 1), best, at(bx, by + 1));
    // With unit-magnitude cross-power the inverse is 1 at the lag of identical images.
    return { dxPx: (bx + subX) * f, dyPx: (by + subY) * f, peak: best, peakZ };
  }

  private fine(frame: GrayImage, mask: Uint8Array | undefined, start: { dxPx: number; dyPx: number }): { dxPx: number; dyPx: number; gain: number; iterations: number } {
    const { width, height, lk, refS, refGx, refGy } = this;
    // The frame is smoothed like the reference (over the window grown by the starting drift plus
    // a few pixels for the refinement), so identical content gives exactly zero residual and no
    // sampling asymmetry can bias δ. Samples whose x + d leaves that region drop out.
    const m = Math.ceil(Math.max(Math.abs(start.dxPx), Math.abs(start.dyPx))) + 6;
    const fr = clampRect({ x0: lk.x0 - m, y0: lk.y0 - m, x1: lk.x1 + m, y1: lk.y1 + m }, width, height, false);
    const fw = fr.x1 - fr.x0;
    const fs = blurRect(frame, width, height, fr, this.o.smoothSigmaPx);

    // Usable samples (reference coordinates relative to the smoothed frame region) with their
    // reference value and gradient, packed contiguously.
    const sx = this.sampleX, sy = this.sampleY, si = this.sampleI;
    const px0 = new Float64Array(sx.length), py0 = new Float64Array(sx.length);
    const c0 = new Float64Array(sx.length), c1 = new Float64Array(sx.length), c2 = new Float64Array(sx.length);
    let n = 0;
    for (let s = 0; s < sx.length; s++) {
      if (mask && !mask[sy[s] * width + sx[s]]) continue;
      const i = si[s];
      px0[n] = sx[s] - fr.x0;
      py0[n] = sy[s] - fr.y0;
      c0[n] = refS[i];
      c1[n] = -refGx[i];
      c2[n] = -refGy[i];
      n++;
    }
    const absBuf = new Float64Array(n);
    const xMax = fr.x1 - fr.x0 - 1.000001, yMax = fr.y1 - fr.y0 - 1.000001;
    let dx = start.dxPx, dy = start.dyPx, a = 1, b = 0;
    // Huber threshold 2σ from the previous iteration's residuals (lagged by one: IRLS only needs
    // a scale, and this keeps one pass per iteration); none in the first iteration.
    let k = Infinity;
    let it = 0;
    for (; it < this.o.maxIterations; it++) {
      let nOk = 0;
      let a00 = 0, a01 = 0, a02 = 0, a03 = 0, a11 = 0, a12 = 0, a13 = 0, a22 = 0, a23 = 0, a33 = 0;
      let b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let q = 0; q < n; q++) {
        // Frame resampled at x + d (bilinear); residual against the current photometric fit.
        const px = px0[q] + dx, py = py0[q] + dy;
        if (!(px >= 0 && py >= 0 && px <= xMax && py <= yMax)) continue;
        const ix = px | 0, iy = py | 0;
        const tx = px - ix, ty = py - iy;
        const p = iy * fw + ix;
        const v = (fs[p] * (1 - tx) + fs[p + 1] * tx) * (1 - ty) + (fs[p + fw] * (1 - tx) + fs[p + fw + 1] * tx) * ty;
        const r0 = c0[q], r1 = c1[q], r2 = c2[q];
        const res = v - (a * r0 + b);
        const ar = res < 0 ? -res : res;
        absBuf[nOk++] = ar;
        const w = ar <= k ? 1 : k / ar;
        // Normal equations of v ≈ a·R − (aδx)·Rx − (aδy)·Ry + b.
        const w0 = w * r0, w1 = w * r1, w2 = w * r2;
        a00 += w0 * r0; a01 += w0 * r1; a02 += w0 * r2; a03 += w0;
        a11 += w1 * r1; a12 += w1 * r2; a13 += w1;
        a22 += w2 * r2; a23 += w2;
        a33 += w;
        b0 += w0 * v; b1 += w1 * v; b2 += w2 * v; b3 += w * v;
      }
      if (nOk < 16) break;
      // The scale settles once gain and offset are fitted (iterations 1 and 2).
      if (it === 1 || it === 2) k = 2 * Math.max(1e-3, 1.4826 * medianInPlace(absBuf, nOk));
      const sol = solve4(
        Float64Array.of(a00, a01, a02, a03, a01, a11, a12, a13, a02, a12, a22, a23, a03, a13, a23, a33),
        Float64Array.of(b0, b1, b2, b3),
      );
      if (!sol || !(Math.abs(sol[0]) > 1e-6)) break;
      a = sol[0];
      b = sol[3];
      let ddx = sol[1] / a, ddy = sol[2] / a;
      // A step beyond 1 px means the linearisation is not trusted: go half way.
      const step = Math.hypot(ddx, ddy);
      if (step > 1) { ddx /= 2 * step; ddy /= 2 * step; }
      dx += ddx;
      dy += ddy;
      if (Math.abs(dx) > this.o.maxShiftPx + 1 || Math.abs(dy) > this.o.maxShiftPx + 1) {
        return { dxPx: start.dxPx, dyPx: start.dyPx, gain: NaN, iterations: it + 1 };
      }
      if (step < 1e-3 && it >= 2) { it++; break; }
    }
    return { dxPx: dx, dyPx: dy, gain: a, iterations: it };
  }
}

/** Offset of the vertex of the parabola through (−1, a), (0, b), (1, c), limited to ±0.5. */
function parabolicOffset(a: number, b: number, c: number): number {
  const den = a - 2 * b + c;
  if (!(den < 0)) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
}

function clampRect(r: RectPx, width: number, height: number, allowOutside: boolean): RectPx {
  if (allowOutside) return r; // blurRect replicates edges for out-of-image pixels
  return { x0: Math.max(0, r.x0), y0: Math.max(0, r.y0), x1: Math.min(width, r.x1), y1: Math.min(height, r.y1) };
}

/** Box mean over (2r+1)² clamped to the image (summed-area table). */
function boxMean(d: Float64Array, w: number, h: number, r: number): Float64Array {
  const S = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += d[y * w + x];
      S[(y + 1) * (w + 1) + x + 1] = S[y * (w + 1) + x + 1] + row;
    }
  }
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
      const s = S[y1 * (w + 1) + x1] - S[y0 * (w + 1) + x1] - S[y1 * (w + 1) + x0] + S[y0 * (w + 1) + x0];
      out[y * w + x] = s / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/** Solve a symmetric 4×4 system by Gaussian elimination with partial pivoting (null if singular). */
function solve4(A: Float64Array, B: Float64Array): Float64Array | null {
  const M = Float64Array.from(A);
  const x = Float64Array.from(B);
  for (let c = 0; c < 4; c++) {
    let p = c;
    for (let r = c + 1; r < 4; r++) if (Math.abs(M[r * 4 + c]) > Math.abs(M[p * 4 + c])) p = r;
    if (!(Math.abs(M[p * 4 + c]) > 1e-12 * (Math.abs(M[0]) + Math.abs(M[15]) + 1))) return null;
    if (p !== c) {
      for (let k = 0; k < 4; k++) { const t = M[c * 4 + k]; M[c * 4 + k] = M[p * 4 + k]; M[p * 4 + k] = t; }
      const t = x[c]; x[c] = x[p]; x[p] = t;
    }
    for (let r = c + 1; r < 4; r++) {
      const q = M[r * 4 + c] / M[c * 4 + c];
      for (let k = c; k < 4; k++) M[r * 4 + k] -= q * M[c * 4 + k];
      x[r] -= q * x[c];
    }
  }
  for (let c = 3; c >= 0; c--) {
    let s = x[c];
    for (let k = c + 1; k < 4; k++) s -= M[c * 4 + k] * x[k];
    x[c] = s / M[c * 4 + c];
  }
  return x;
}
