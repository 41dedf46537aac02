/**
 * Per-frame segmentation of Li-filled cracks (canonical orientation: electrode on top).
 *
 *  1. relative darkening against the pristine background, after a global gain correction
 *     (lamp flicker): D = (g·B − I)/(g·B), with g the median of I/median over the crystal;
 *  2. Gaussian blur (OpenCV.js);
 *  3. hysteresis threshold: a region is kept when it exceeds `lowSigma`·σ everywhere and holds
 *     at least one pixel above `highSigma`·σ (σ = measured noise of the blurred darkening);
 *  4. morphological open (speckle) and close (bridges one-pixel gaps), OpenCV.js;
 *  5. 8-connected components (OpenCV.js) with, per region, the deepest row per column.
 *
 * Mats and buffers are allocated once and reused for every frame.
 */
import type { Cv, CvMat } from './opencv.js';
import type { Reference } from './reference.js';
import { robustSigmaInPlace } from '../core/quantile.js';

export interface SegmentOptions {
  /** Gaussian blur kernel size [px] (odd). */
  blurSizePx: number;
  /** Seed threshold in units of the blurred-darkening noise σ. */
  highSigma: number;
  /** Region threshold in units of σ. */
  lowSigma: number;
  /** Absolute floor of the region threshold (relative darkening), against near-noiseless input. */
  minDarkeningRel: number;
  /** Regions smaller than this are ignored [px²]. */
  minAreaPx: number;
  /** A region touches the interface when it reaches within this distance of it [px]. */
  touchBandPx: number;
  openSizePx: number;
  closeSizePx: number;
}

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = {
  blurSizePx: 5,
  highSigma: 6,
  lowSigma: 3,
  minDarkeningRel: 0.02,
  minAreaPx: 12,
  touchBandPx: 10,
  // No opening by default: it erases the 2-px-wide base of a young leaf and cuts the dendrite
  // off the electrode; speckle is already handled by the blur, hysteresis and minimum area.
  openSizePx: 1,
  closeSizePx: 3,
};

/** A connected dark region in canonical coordinates. */
export interface CrackRegion {
  label: number;
  areaPx: number;
  touchesInterface: boolean;
  uMin: number;
  uMax: number;
  vMin: number;
  vMax: number;
  /** For u in [uMin, uMax]: deepest v of the region in that column, −1 where absent. */
  extentV: Int32Array;
  /** Sum of u and v over the region's pixels (centroid = sum/area). */
  sumU: number;
  sumV: number;
}

export interface SegmentResult {
  regions: CrackRegion[];
  /** Relative darkening (unblurred), canonical, length cw*ch. Valid until the next call. */
  darkening: Float32Array;
  /** Blurred relative darkening, valid until the next call. */
  darkeningBlurred: Float32Array;
  /** Region label per pixel (0 = none), valid until the next call. */
  labels: Int32Array;
  /** Global gain of this frame relative to the reference (flicker). */
  gain: number;
  /** Threshold used (relative darkening). */
  thresholdRel: number;
}

export class Segmenter {
  readonly opts: SegmentOptions;
  private readonly cw: number;
  private readonly ch: number;
  private readonly dRel: Float32Array;
  private readonly matD: CvMat;
  private readonly matBlur: CvMat;
  private readonly matBin: CvMat;
  private readonly mat8: CvMat;
  private readonly matLabels: CvMat;
  private readonly matStats: CvMat;
  private readonly matCentroids: CvMat;
  private readonly kOpen: CvMat;
  private readonly kClose: CvMat;
  private readonly gainIdx: Int32Array;
  private readonly gainBuf: Float64Array;
  private readonly noiseIdx: Int32Array;
  private readonly noiseBuf: Float64Array;
  /** Noise σ of the blurred relative darkening in the last frame segmented. */
  sigmaBlurRel = NaN;

  constructor(private readonly cv: Cv, readonly ref: Reference, opts: Partial<SegmentOptions> = {}) {
    this.opts = { ...DEFAULT_SEGMENT_OPTIONS, ...opts };
    const { cw, ch } = ref.geom;
    this.cw = cw;
    this.ch = ch;
    this.dRel = new Float32Array(cw * ch);
    this.matD = new cv.Mat(ch, cw, cv.CV_32FC1);
    this.matBlur = new cv.Mat(ch, cw, cv.CV_32FC1);
    this.matBin = new cv.Mat(ch, cw, cv.CV_32FC1);
    this.mat8 = new cv.Mat(ch, cw, cv.CV_8UC1);
    this.matLabels = new cv.Mat();
    this.matStats = new cv.Mat();
    this.matCentroids = new cv.Mat();
    this.kOpen = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(Math.max(1, this.opts.openSizePx), Math.max(1, this.opts.openSizePx)));
    this.kClose = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(this.opts.closeSizePx, this.opts.closeSizePx));
    // A fixed sparse sample of crystal pixels for the gain estimate.
    const idx: number[] = [];
    const step = Math.max(1, Math.floor(Math.sqrt((cw * ch) / 4000)));
    for (let v = 0; v < ch; v += step) {
      for (let u = (v / step) % 2 ? step >> 1 : 0; u < cw; u += step) {
        if (v > ref.iface.vPx[u] + 4 && ref.median[v * cw + u] > 8) idx.push(v * cw + u);
      }
    }
    this.gainIdx = Int32Array.from(idx);
    this.gainBuf = new Float64Array(idx.length);
    // A denser fixed sample (≈ 20 000 pixels) of the crystal for the noise σ.
    const nIdx: number[] = [];
    const ns = Math.max(1, Math.floor(Math.sqrt((cw * ch) / 20000)));
    for (let v = 0; v < ch; v += ns) for (let u = (v / ns) % 2 ? ns >> 1 : 0; u < cw; u += ns) if (v > ref.iface.vPx[u] + 4) nIdx.push(v * cw + u);
    this.noiseIdx = Int32Array.from(nIdx);
    this.noiseBuf = new Float64Array(nIdx.length);
  }

  /** Release the OpenCV.js memory. */
  dispose(): void {
    for (const m of [this.matD, this.matBlur, this.matBin, this.mat8, this.matLabels, this.matStats, this.matCentroids, this.kOpen, this.kClose]) m.delete();
  }

  /** Segment one canonical gray8 frame. */
  segment(img: Uint8Array): SegmentResult {
    const { cv, cw, ch, ref, opts } = this;
    // 1. gain (flicker) and relative darkening
    const gi = this.gainIdx, gb = this.gainBuf, med = ref.median;
    for (let k = 0; k < gi.length; k++) gb[k] = img[gi[k]] / med[gi[k]];
    const gain = gi.length > 10 ? gb.sort()[gb.length >> 1] : 1;
    const B = ref.background, D = this.dRel, iv = ref.iface.vPx;
    for (let v = 0; v < ch; v++) {
      const row = v * cw;
      for (let u = 0; u < cw; u++) {
        const i = row + u;
        if (v <= iv[u] + 0.5) {
          D[i] = 0;
          continue;
        }
        const b = gain * B[i];
        D[i] = b > 0 ? (b - img[i]) / b : 0;
      }
    }
    (this.matD.data32F as Float32Array).set(D);
    // 2. blur
    const ks = opts.blurSizePx | 1;
    cv.GaussianBlur(this.matD, this.matBlur, new cv.Size(ks, ks), 0, 0, cv.BORDER_REPLICATE);
    const blurred = this.matBlur.data32F as Float32Array;
    // Noise of this frame, robust (a few cracks do not move the MAD), over a fixed sparse set
    // of crystal pixels. Measured every frame: compressed video is not stationary, a frame just
    // after the reference frames (the same GOP) can be half as noisy as the rest of the recording.
    const si = this.noiseIdx, sb = this.noiseBuf;
    for (let k = 0; k < si.length; k++) sb[k] = blurred[si[k]];
    this.sigmaBlurRel = Math.max(si.length > 10 ? robustSigmaInPlace(sb) : 0, 1e-4);
    const low = Math.max(opts.lowSigma * this.sigmaBlurRel, opts.minDarkeningRel);
    const high = Math.max(opts.highSigma * this.sigmaBlurRel, 1.5 * low);
    // 3. threshold (low), 4. morphology
    cv.threshold(this.matBlur, this.matBin, low, 255, cv.THRESH_BINARY);
    this.matBin.convertTo(this.mat8, cv.CV_8U);
    if (opts.openSizePx > 1) cv.morphologyEx(this.mat8, this.mat8, cv.MORPH_OPEN, this.kOpen);
    cv.morphologyEx(this.mat8, this.mat8, cv.MORPH_CLOSE, this.kClose);
    // 5. components
    const nLabels: number = cv.connectedComponentsWithStats(this.mat8, this.matLabels, this.matStats, this.matCentroids, 8, cv.CV_32S);
    const labels = this.matLabels.data32S as Int32Array;
    const stats = this.matStats.data32S as Int32Array;
    const regions: Array<CrackRegion | null> = [null];
    const hasHigh = new Uint8Array(nLabels);
    for (let l = 1; l < nLabels; l++) {
      const left = stats[l * 5], top = stats[l * 5 + 1], w = stats[l * 5 + 2], h = stats[l * 5 + 3], area = stats[l * 5 + 4];
      if (area < opts.minAreaPx) {
        regions.push(null);
        continue;
      }
      regions.push({
        label: l, areaPx: area, touchesInterface: false,
        uMin: left, uMax: left + w - 1, vMin: top, vMax: top + h - 1,
        extentV: new Int32Array(w).fill(-1), sumU: 0, sumV: 0,
      });
    }
    const band = opts.touchBandPx;
    for (let v = 0; v < ch; v++) {
      const row = v * cw;
      for (let u = 0; u < cw; u++) {
        const l = labels[row + u];
        if (l === 0) continue;
        const r = regions[l];
        if (!r) continue;
        if (blurred[row + u] >= high) hasHigh[l] = 1;
        const k = u - r.uMin;
        if (v > r.extentV[k]) r.extentV[k] = v;
        r.sumU += u;
        r.sumV += v;
        if (!r.touchesInterface && v <= iv[u] + band) r.touchesInterface = true;
      }
    }
    const kept: CrackRegion[] = [];
    for (let l = 1; l < nLabels; l++) {
      const r = regions[l];
      if (r && hasHigh[l]) kept.push(r);
    }
    return { regions: kept, darkening: D, darkeningBlurred: blurred, labels, gain, thresholdRel: low };
  }
}
