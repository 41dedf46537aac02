/**
 * Whole-frame detection at half resolution, for the segmenter's periodic whole frames.
 *
 * Between whole frames the segmenter works only around what it knows (RoiScheduler); a whole
 * frame exists to find what appeared elsewhere (an inclusion, a crack away from the electrode).
 * Finding that needs far less than a full-resolution segmentation: the darkening binned 2 × 2,
 * blurred (3 × 3 Gaussian) and thresholded with the same noise multiples (measured on the
 * binned image), 8-connected components. Their boxes, scaled back and grown, are then segmented
 * at full resolution together with the usual rectangles, so every region reported is the same
 * as a full-resolution whole frame would report (Segmenter.segment on rectangles); only regions
 * too small or faint to show at half resolution are not picked up — and those would not be
 * followed between whole frames anyway. A quarter of the pixels: ≈ 4× less work for the part of
 * a whole frame that is new.
 */
import { binnedBackground } from './refScan.js';
import type { Reference } from './reference.js';
import type { RectPx } from './segmenter.js';
import { robustSigmaInPlace } from '../core/quantile.js';
import { linkRuns, MaskRuns } from './components.js';
import { BinnedDarkeningKernel } from './simdDark.js';
import { SimdBlur } from './simdBlur.js';

export interface CoarseThresholds {
  lowSigma: number;
  highSigma: number;
  minDarkeningRel: number;
  /** Smallest region at full resolution [px²]. */
  minAreaPx: number;
}

export class CoarseDetector {
  /** Half-resolution size. */
  readonly hw: number;
  readonly hh: number;
  /** Per binned pixel: g-free sum of the background over its 2 × 2 block (0 where any of them is not crystal). */
  private readonly bSum: Float32Array;
  /** The binned darkening and its 3 × 3 blur (SIMD kernel, bit for bit cv.GaussianBlur). */
  private readonly blur: SimdBlur;
  /** Sparse sample of crystal pixels (binned) for the noise. */
  private readonly sampleIdx: Int32Array;
  private readonly sampleBuf: Float64Array;
  /** Runs of the thresholded frame and their union–find parents, kept between calls. */
  private readonly runs = new MaskRuns();
  private parent = new Int32Array(4096);
  /** Noise σ of the binned, blurred darkening of the last call. */
  sigmaRel = NaN;
  /** The full-resolution frame's size, and binnedDarkening's kernel (made at the first call). */
  private readonly cw: number;
  private readonly ch: number;
  private binned: BinnedDarkeningKernel | null = null;

  /** bgCrystal: the background where the darkening is defined, 0 elsewhere (Segmenter's). */
  constructor(ref: Reference, bgCrystal: Float32Array) {
    const { cw, ch } = ref.geom;
    this.cw = cw;
    this.ch = ch;
    const hw = (this.hw = cw >> 1), hh = (this.hh = ch >> 1);
    // the 2 × 2 sums of the background where all four pixels are in the crystal, else 0
    // (refScan.wat: a whole-frame loop run once per recording, at its start)
    this.bSum = binnedBackground(bgCrystal, ref.background, cw, hw, hh);
    this.blur = new SimdBlur(hw, hh);
    this.sampleIdx = coarseSamples(this.bSum, hw, hh, ref.iface.vPx);
    this.sampleBuf = new Float64Array(this.sampleIdx.length);
  }

  /**
   * Boxes (full-resolution canonical pixels) of the significant dark regions of frame `img`
   * (gray map[img]: Segmenter.grayMap) with flicker gain `gain`.
   */
  detect(img: Uint8Array, map: Uint8Array, gain: number, cwFull: number, t: CoarseThresholds): RectPx[] {
    const { hw, hh, bSum } = this;
    // (on WebAssembly SIMD, simdDark.ts: the same bits as binnedDarkening)
    if (cwFull === this.cw) this.blur.D.set((this.binned ??= new BinnedDarkeningKernel(bSum, hw, hh, this.cw, this.ch)).compute(img, map, gain));
    else binnedDarkening(img, map, bSum, gain, this.blur.D, hw, hh, cwFull);
    this.blur.blur3({ x: 0, y: 0, w: hw, h: hh });
    const Db = this.blur.Db;
    this.sigmaRel = Math.max(sigmaAtSamples(Db, this.sampleIdx, this.sampleBuf), 1e-4);
    const low = Math.max(t.lowSigma * this.sigmaRel, t.minDarkeningRel);
    const high = Math.max(t.highSigma * this.sigmaRel, 1.5 * low);
    // components of Db > low by runs (the frame is mostly background: only the runs are visited),
    // each kept when it holds a seed (≥ high) and is large enough
    const runs = thresholdRuns(Db, low, hw, hh, this.runs);
    if (this.parent.length < runs.count) this.parent = new Int32Array(Math.max(runs.count, 2 * this.parent.length));
    linkRuns(runs, this.parent);
    return seededBoxes(runs, this.parent, Db, hw, high, Math.max(2, Math.floor(t.minAreaPx / 4)));
  }
}

// detect's loops, each its own small function: detect runs once per whole frame, and as one
// function its loops were compiled on the stack and that code thrown away at the first line after
// them not yet run, call after call (7 compiles in a 250-frame run, the loops largely interpreted).

/** Relative darkening of each 2 × 2 block: 1 − Σ map[img] / (gain · Σ background); 0 off the crystal. */
export function binnedDarkening(img: Uint8Array, map: Uint8Array, bSum: Float32Array, gain: number, D: Float32Array, hw: number, hh: number, cwFull: number): void {
  for (let y = 0; y < hh; y++) {
    const r0 = 2 * y * cwFull, r1 = r0 + cwFull, o = y * hw;
    for (let x = 0; x < hw; x++) {
      const bs = bSum[o + x] * gain, u = 2 * x;
      D[o + x] = bs > 0 ? 1 - (map[img[r0 + u]] + map[img[r0 + u + 1]] + map[img[r1 + u]] + map[img[r1 + u + 1]]) / bs : 0;
    }
  }
}

/** The runs of Db > low (as cv.THRESH_BINARY: strictly above) along the rows of the hw × hh image, into `out`. */
function thresholdRuns(Db: Float32Array, low: number, hw: number, hh: number, out: MaskRuns): MaskRuns {
  out.count = 0;
  out.pixels = 0;
  for (let y = 0; y < hh; y++) {
    const row = y * hw;
    let x = 0;
    while (x < hw) {
      while (x < hw && !(Db[row + x] > low)) x++;
      if (x >= hw) break;
      const a = x;
      while (x < hw && Db[row + x] > low) x++;
      out.push(y, a, x);
    }
  }
  return out;
}

/**
 * Robust σ of Db at the sample indices (0 with 10 samples or fewer). (The test comes before the
 * gathering loop, which is a function of its own: with the test after it, the loop's on-stack
 * compiled code met the test with no type feedback and was thrown away there at every call — 19
 * deoptimisations in a 250-frame run, node --trace-deopt.)
 */
function sigmaAtSamples(Db: Float32Array, si: Int32Array, sb: Float64Array): number {
  if (si.length <= 10) return 0;
  gatherAt(Db, si, sb);
  return robustSigmaInPlace(sb);
}

/** out[k] = values[at[k]] for every k of `at`. */
function gatherAt(values: Float32Array, at: Int32Array, out: Float64Array): void {
  for (let k = 0; k < at.length; k++) out[k] = values[at[k]];
}

/**
 * Boxes (full resolution, grown by 2 px) of the components (runs linked: parent[q] is run q's
 * component's first run) holding a seed pixel (Db ≥ high) and at least minArea binned pixels.
 */
function seededBoxes(runs: MaskRuns, parent: Int32Array, Db: Float32Array, hw: number, high: number, minArea: number): RectPx[] {
  const { count: n, v: rv, a: ra, b: rb } = runs;
  // per component (at its first run): area, box, seed
  const area = new Int32Array(n), x0 = new Int32Array(n), x1 = new Int32Array(n), y1 = new Int32Array(n), seed = new Uint8Array(n);
  for (let q = 0; q < n; q++) {
    const g = parent[q];
    if (g === q) { x0[g] = ra[q]; x1[g] = rb[q]; }
    area[g] += rb[q] - ra[q];
    if (ra[q] < x0[g]) x0[g] = ra[q];
    if (rb[q] > x1[g]) x1[g] = rb[q];
    y1[g] = rv[q] + 1;
    if (!seed[g] && runHasSeed(Db, hw, rv[q], ra[q], rb[q], high)) seed[g] = 1;
  }
  const out: RectPx[] = [];
  for (let g = 0; g < n; g++) {
    if (parent[g] !== g || !seed[g] || area[g] < minArea) continue;
    const x = x0[g], y = rv[g], w = x1[g] - x0[g], h = y1[g] - rv[g];
    out.push({ x: 2 * x - 2, y: 2 * y - 2, w: 2 * w + 4, h: 2 * h + 4 });
  }
  return out;
}

function runHasSeed(Db: Float32Array, w: number, y: number, a: number, b: number, high: number): boolean {
  for (let i = y * w + a, e = y * w + b; i < e; i++) if (Db[i] >= high) return true;
  return false;
}

/**
 * A fixed sparse sample (≈ 10 000, staggered) of the binned crystal for the coarse σ: binned
 * pixels with a background and more than 4 px below the interface. (Its own function: in the
 * constructor the loop was compiled on the stack together with all of it.)
 */
function coarseSamples(bSum: Float32Array, hw: number, hh: number, vPx: Float32Array): Int32Array {
  const idx: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt((hw * hh) / 10000)));
  for (let y = 0; y < hh; y += step) {
    for (let x = (y / step) % 2 ? step >> 1 : 0; x < hw; x += step) {
      if (bSum[y * hw + x] > 0 && 2 * y > vPx[2 * x] + 4) idx.push(y * hw + x);
    }
  }
  return Int32Array.from(idx);
}
