/**
 * Per-frame segmentation of Li-filled cracks (canonical orientation: electrode on top).
 *
 *  1. relative darkening against the pristine background, after a global gain correction
 *     (lamp flicker): D = (g·B − I)/(g·B), with g the median of I/median over the crystal;
 *  2. Gaussian blur (OpenCV.js);
 *  3. hysteresis threshold: a region is kept when it exceeds `lowSigma`·σ everywhere and holds
 *     at least one pixel above `highSigma`·σ (σ = measured noise of the blurred darkening);
 *  4. morphological close (bridges one-pixel gaps), OpenCV.js; no opening: it erases the
 *     2-px-wide base of a young leaf and cuts the dendrite off the electrode, and speckle is
 *     already handled by the blur, the hysteresis and the minimum area;
 *  5. 8-connected components (OpenCV.js) with, per region, the deepest row per column.
 *
 * On the whole frame, or only in rectangles around what is known (RoiScheduler) with the same
 * result there. Mats and buffers are allocated once and reused for every frame.
 */
import type { Cv, CvMat } from './opencv.js';
import type { Reference } from './reference.js';
import { medianInPlace, robustSigmaInPlace } from '../core/quantile.js';
import { RoiScheduler, type RoiScheduleOptions } from './roiScheduler.js';
import { CoarseDetector } from './coarseDetect.js';
import { ComponentScratch, labelComponents } from './components.js';
import { BlurredDarkeningAtKernel } from './simdDark.js';
import { SimdBlur } from './simdBlur.js';
import { rowSpans } from './rowSpans.js';
import { fillRunI32 } from '../core/runs.js';
import { crystalBackground } from './refScan.js';

/** An axis-aligned rectangle of canonical pixels [x, x+w) × [y, y+h). */
export interface RectPx {
  x: number;
  y: number;
  w: number;
  h: number;
}

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
  closeSizePx: number;
  /**
   * The whole frames of segmentNext (the first and the periodic ones) detect at half resolution
   * (CoarseDetector) and segment what they find, with the interface band, at full resolution;
   * false: full resolution.
   */
  coarseWholeFrames: boolean;
  /**
   * The frames segmentNext segments on rectangles measure their own noise σ at the noise samples
   * of every this-many-th row of their grid (≈ 20 000 / this; whole rows: the frame's rows the
   * sampler reads are this many times fewer; the whole frames measure it at all of them); 0: they keep the
   * last whole frame's. Compressed video is not stationary: a frame far from its reference frame
   * can be noisier than the last whole one, and thresholds set from the quieter frame let noise
   * join a faint tip (accuracy bench, hard-all-left).
   */
  rectNoiseStride: number;
}

/**
 * The fewest noise samples a rectangle frame measures σ at (rectNoiseStride > 0): the robust σ of
 * n samples has a relative standard error of ≈ 1.17/√n (2.6 % at 2000).
 */
const MIN_RECT_NOISE_SAMPLES = 2000;

export const DEFAULT_SEGMENT_OPTIONS: SegmentOptions = {
  blurSizePx: 5,
  highSigma: 6,
  lowSigma: 3,
  minDarkeningRel: 0.02,
  minAreaPx: 12,
  touchBandPx: 10,
  closeSizePx: 3,
  coarseWholeFrames: true,
  rectNoiseStride: 4,
};

/**
 * Whether a Segmenter with these options needs OpenCV.js: only for a blur other than 5 × 5 or a
 * closing other than the 3 × 3 cross (the defaults run on lidtrack's own kernels).
 */
export function segmenterNeedsOpenCv(opts: Partial<SegmentOptions>): boolean {
  const o = { ...DEFAULT_SEGMENT_OPTIONS, ...opts };
  return (o.blurSizePx | 1) !== 5 || o.closeSizePx !== 3;
}

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
  /** The labelled pixels as runs along rows, (row, u0, u1 exclusive) triples; valid until the next call. */
  labelSpans?: Int32Array;
  /** Global gain of this frame relative to the reference (flicker). */
  gain: number;
  /** Threshold used (relative darkening). */
  thresholdRel: number;
}

/** Segmenter.frozenTiles(): tiles (row-major indices of the schedule's grid) and their pixels, tile after tile, row by row. */
export interface FrozenTiles {
  tiles: Int32Array;
  closed: Uint8Array;
  D: Float32Array;
  Db: Float32Array;
}

export class Segmenter {
  readonly opts: SegmentOptions;
  private readonly cw: number;
  private readonly ch: number;
  /**
   * The background on the crystal side of the interface where it is positive, 0 elsewhere (where
   * the darkening is 0): the mask and the background in one array, one read per pixel.
   */
  private readonly bgCrystal: Float32Array;
  /** The darkening and its blur (SIMD kernel's memory), and OpenCV copies for a blur other than 5 × 5. */
  private readonly blur: SimdBlur;
  private otherBlur: { D: CvMat; Db: CvMat } | null = null;
  /**
   * The threshold mask, its dilation and its closing (0/255, cw × ch) as OpenCV Mats, and the
   * kernel, for a closing other than the 3 × 3 cross; null for the cross (the default), whose
   * masks are the blur kernel's (SimdBlur.m8, dil, closed: simdMask.wat).
   */
  private readonly mats: { m8: CvMat; dil: CvMat; closed: CvMat; kernel: CvMat } | null;
  private readonly gainIdx: Int32Array;
  private readonly gainBuf: Float64Array;
  /**
   * The noise samples (≈ 20 000 crystal pixels), those on every rectNoiseStride-th row of the
   * staggered grid first (the rectangle frames' samples: the first nRectNoise), then the others.
   */
  private readonly noiseIdx: Int32Array;
  private readonly nRectNoise: number;
  private readonly noiseBuf: Float64Array;
  /** Scratch of noiseAtSamples: a 5 × 5 block of darkening (float32) and its 5 row sums. */
  private readonly noiseBlk = new Float32Array(25);
  private readonly noiseRows = new Float64Array(5);
  /** noiseAtSamples' kernel (made at the first frame that measures σ at the samples). */
  private noiseKernel: BlurredDarkeningAtKernel | null = null;
  /** Where the next frame's labels go (its own buffer, or one the caller gave: useLabelBuffer). */
  private labelBuf: Int32Array;
  private lastRects: RectPx[] = [];
  /** The runs (row, u0, u1 triples) the last frame labelled in the current label buffer. */
  private lastSpans: Int32Array = new Int32Array(0);
  /** Per label buffer, the storage its runs are kept in (no allocation per frame). */
  private readonly spanStore = new Map<Int32Array, Int32Array>();
  private readonly cc = new ComponentScratch();
  /** Pixels of the last frame's kept regions that touch the interface (components' prevKept), and their runs (nKept values of keptStore). */
  private readonly prevKept: Uint8Array;
  private keptStore = new Int32Array(3072);
  private nKept = 0;
  /** Per label buffer other than the current one, where a frame last wrote labels in it. */
  private readonly workOf = new Map<Int32Array, Int32Array>();
  /** The rectangles the last frame was segmented on (the whole frame as one). */
  get lastPlan(): readonly RectPx[] {
    return this.lastRects;
  }
  /**
   * Write the next frames' labels into `buf` (cw × ch) instead of the segmenter's own buffer — e.g.
   * a tip worker's shared buffer, so that they need no copy (TipPool.nextLabels). Buffers may
   * alternate: each keeps where a frame last wrote in it, and that is cleared before it is written
   * again, so outside the frame's rectangles a buffer always holds 0. The caller must not hand a
   * buffer back while someone still reads it. `zeroed`: the buffer is all 0 (e.g. new), no need to clear it.
   */
  useLabelBuffer(buf: Int32Array, zeroed = false): void {
    if (buf === this.labelBuf) return;
    if (buf.length !== this.cw * this.ch) throw new Error(`label buffer of ${buf.length} pixels for a ${this.cw} × ${this.ch} frame`);
    this.workOf.set(this.labelBuf, this.lastSpans);
    // a buffer seen for the first time is cleared, unless the caller knows it is all 0 (`zeroed`)
    this.lastSpans = this.workOf.get(buf) ?? (zeroed ? new Int32Array(0) : (buf.fill(0), new Int32Array(0)));
    this.workOf.delete(buf);
    this.labelBuf = buf;
  }

  /**
   * Noise σ of the blurred relative darkening in the last frame that measured it (whole frames,
   * and rectangle frames of segmentNext unless rectNoiseStride is 0).
   */
  sigmaBlurRel = NaN;
  /** The noise samples a rectangle frame of segmentNext measures σ at (pixel indices). */
  get rectNoiseSamples(): Int32Array {
    return this.noiseIdx.subarray(0, this.nRectNoise);
  }
  /**
   * The frames' gray is grayMap[pixel] (a source that leaves the limited → full range table to
   * its consumer: IngestFrameSource.grayMap), applied to each pixel read; the identity by default.
   */
  grayMap: Uint8Array = IDENTITY_MAP;

  /** Where segmentNext works (whole frame or rectangles). */
  readonly schedule: RoiScheduler;
  private coarse: CoarseDetector | null = null;
  /** What the last segmentNext did: 'whole', 'coarse' (half-resolution detection + rectangles) or 'rects'. */
  lastKind: 'whole' | 'coarse' | 'rects' = 'whole';

  /** cv: OpenCV.js, or null when the options do not need it (segmenterNeedsOpenCv). */
  constructor(private readonly cv: Cv | null, readonly ref: Reference, opts: Partial<SegmentOptions> = {}, schedule: Partial<RoiScheduleOptions> = {}) {
    this.opts = { ...DEFAULT_SEGMENT_OPTIONS, ...opts };
    const { cw, ch } = ref.geom;
    this.schedule = new RoiScheduler(cw, ch, ref.iface.vPx, schedule);
    this.cw = cw;
    this.ch = ch;
    // A denser fixed sample (≈ 20 000 pixels) of the crystal for the noise σ (a whole frame's
    // σ does not depend on their order; the rectangle frames' samples first).
    const grid = crystalSamples(ref, 20000, null), stride = Math.max(0, Math.floor(this.opts.rectNoiseStride));
    // (whole rows of the grid: every stride-th row)
    const rowOf = (i: number) => Math.floor(i / cw);
    const rows = [...new Set(Array.from(grid, rowOf))];
    const rectRows = new Set(stride > 0 ? rows.filter((_, q) => q % stride === 0) : []);
    const first = grid.filter((i) => rectRows.has(rowOf(i)));
    this.noiseIdx = Int32Array.from([...first, ...grid.filter((i) => !rectRows.has(rowOf(i)))]);
    // (at least MIN_RECT_NOISE_SAMPLES, the next ones in the list, where the rows give fewer: a
    // small crystal — its whole frames are cheap to sample too)
    this.nRectNoise = stride > 0 ? Math.min(this.noiseIdx.length, Math.max(first.length, MIN_RECT_NOISE_SAMPLES)) : 0;
    this.noiseBuf = new Float64Array(this.noiseIdx.length);
    // the darkening's kernel (simdBlur.ts) divides by the background in its own memory: it is made there
    this.blur = new SimdBlur(cw, ch, true);
    this.bgCrystal = this.blur.Bc;
    // the background where v > vPx[u] + 0.5 and it is > 0, else 0 (refScan.wat: a whole-frame loop
    // run once per recording, at its start)
    this.bgCrystal.set(crystalBackground(ref.background, ref.iface.vPx, cw, ch));
    this.labelBuf = new Int32Array(cw * ch);
    this.prevKept = new Uint8Array(cw * ch);
    // Run the threshold loop on a 2 × 2 image with foreground a few times (V8 records type
    // feedback from about the 8th call on), so that every line of it has run before the JIT
    // compiles it: the first real call, a whole frame, has it compiled in the middle of its loop
    // (on-stack replacement), and a line not yet run then (the return) de-optimised that code at
    // the end of each later whole frame — 78 times in a 250-frame 1080p run.
    for (let k = 0; k < 12; k++) thresholdRect(Float32Array.of(1, 0, 0, 1), new Uint8Array(4), 0.5, 2, 2, { x: 0, y: 0, w: 2, h: 2 });
    // (OpenCV's 3 × 3 ellipse is this cross: test/segment/crossMorph.test.ts, against simdMask.wat)
    if (!cv && segmenterNeedsOpenCv(this.opts)) throw new Error(`Segmenter: a ${this.opts.blurSizePx}-px blur or a ${this.opts.closeSizePx}-px closing needs OpenCV.js`);
    if (this.opts.closeSizePx === 3) this.mats = null;
    else {
      this.mats = {
        m8: new cv.Mat(ch, cw, cv.CV_8UC1), dil: new cv.Mat(ch, cw, cv.CV_8UC1), closed: new cv.Mat(ch, cw, cv.CV_8UC1),
        kernel: cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(this.opts.closeSizePx, this.opts.closeSizePx)),
      };
    }
    // A fixed sparse sample of crystal pixels for the gain estimate.
    this.gainIdx = crystalSamples(ref, 4000, ref.median);
    this.gainBuf = new Float64Array(this.gainIdx.length);
  }

  /**
   * Segment the next frame of a recording where the RoiScheduler says (whole frame or
   * rectangles around what is known), and tell it what was found.
   */
  segmentNext(img: Uint8Array): SegmentResult {
    let rects = this.schedule.next();
    let frozen = this.schedule.lastFrozen;
    this.lastKind = rects ? 'rects' : 'whole';
    // a whole frame, the first one included (its noise σ is measured at the samples, as on every
    // coarse frame, and its plan is the interface band and what the coarse pass found; at 1080p
    // the first frame's full-resolution pass, with nothing compiled yet, cost ≈ 0.1 s of start-up)
    if (rects === null && this.opts.coarseWholeFrames) {
      const gain = this.gainOf(img);
      this.coarse ??= new CoarseDetector(this.ref, this.bgCrystal);
      const found = this.coarse.detect(img, this.grayMap, gain, this.cw, this.opts);
      rects = this.schedule.planWith(found);
      frozen = [];
      if (rects) {
        // the noise σ as a full-resolution whole frame measures it (exact: same samples, same arithmetic)
        this.sigmaBlurRel = Math.max(this.noiseAtSamples(img, gain, this.noiseIdx.length), 1e-4);
        this.lastKind = 'coarse';
      }
    }
    if (!rects) this.schedule.markAllSegmented();
    const res = this.segment(img, rects, frozen, this.lastKind === 'rects' ? this.nRectNoise : 0);
    this.schedule.observe(res.regions, res.labels, res.labelSpans);
    return res;
  }

  /** Flicker gain of a frame: median of I/median over a fixed sparse sample of the crystal. */
  private gainOf(img: Uint8Array): number {
    const gi = this.gainIdx, gb = this.gainBuf, med = this.ref.median, map = this.grayMap;
    for (let k = 0; k < gi.length; k++) gb[k] = map[img[gi[k]]] / med[gi[k]];
    return gi.length > 10 ? medianInPlace(gb) : 1;
  }

  /**
   * Robust σ of the blurred darkening over the first n noise samples, computed at the sample
   * points only: the darkening of the 5 × 5 neighbourhood of each, blurred with cv.GaussianBlur's
   * own arithmetic ((1, 4, 6, 4, 1)/16, row pass then column pass in float32, border replicated) —
   * bit for bit what a whole frame computes there (test/track/segmentRects.test.ts). With all of
   * them, the σ a whole frame measures.
   */
  private noiseAtSamples(img: Uint8Array, gain: number, n: number): number {
    const si = this.noiseIdx.subarray(0, n), sb = this.noiseBuf;
    // the samples inside the image on WebAssembly SIMD (simdDark.ts), those at its border here
    this.noiseKernel ??= new BlurredDarkeningAtKernel(this.bgCrystal, this.cw, this.ch, this.noiseIdx);
    this.noiseKernel.compute(img, this.grayMap, gain, n, sb);
    blurredDarkeningAt(img, this.grayMap, this.bgCrystal, gain, this.cw, this.ch, si, sb, this.noiseBlk, this.noiseRows, this.noiseKernel.interior);
    return n > 10 ? robustSigmaInPlace(sb, n) : 0;
  }

  /**
   * What a next frame may reuse of the frames before (frozen tiles: RoiScheduler): per tile it
   * could freeze, its closed mask, darkening and blurred darkening as last segmented — for
   * --resume, so that a resumed run freezes the same tiles with the same contents.
   */
  frozenTiles(): FrozenTiles {
    const { tilePx: t, nx } = this.schedule.tileGrid();
    const tiles = this.schedule.freezableTiles();
    const rects = tiles.map((k) => this.tileRect(k, t, nx));
    const n = rects.reduce((a, r) => a + r.w * r.h, 0);
    const closed = new Uint8Array(n), D = new Float32Array(n), Db = new Float32Array(n);
    const mask = this.closedMask();
    let o = 0;
    for (const r of rects) {
      for (let v = r.y; v < r.y + r.h; v++) {
        const i = v * this.cw + r.x;
        closed.set(mask.subarray(i, i + r.w), o);
        D.set(this.blur.D.subarray(i, i + r.w), o);
        Db.set(this.blur.Db.subarray(i, i + r.w), o);
        o += r.w;
      }
    }
    return { tiles: Int32Array.from(tiles), closed, D, Db };
  }

  /** Put back what frozenTiles() took (after the schedule's restore: same tile grid). */
  restoreFrozenTiles(f: FrozenTiles): void {
    const { tilePx: t, nx } = this.schedule.tileGrid();
    const mask = this.closedMask();
    let o = 0;
    for (const k of f.tiles) {
      const r = this.tileRect(k, t, nx);
      for (let v = r.y; v < r.y + r.h; v++) {
        const i = v * this.cw + r.x;
        mask.set(f.closed.subarray(o, o + r.w), i);
        this.blur.D.set(f.D.subarray(o, o + r.w), i);
        this.blur.Db.set(f.Db.subarray(o, o + r.w), i);
        o += r.w;
      }
    }
  }

  private tileRect(k: number, t: number, nx: number): RectPx {
    const x = (k % nx) * t, y = Math.floor(k / nx) * t;
    return { x, y, w: Math.min(this.cw, x + t) - x, h: Math.min(this.ch, y + t) - y };
  }

  /** The closed mask (0/255, cw × ch) the components read. */
  private closedMask(): Uint8Array {
    return this.mats ? (this.mats.closed.data as Uint8Array) : this.blur.closed;
  }

  /** Release the OpenCV.js memory. */
  dispose(): void {
    if (this.mats) for (const m of [this.mats.m8, this.mats.dil, this.mats.closed, this.mats.kernel]) m.delete();
    if (this.otherBlur) for (const m of [this.otherBlur.D, this.otherBlur.Db]) m.delete();
  }

  /**
   * A ks × ks blur (ks ≠ 5: a configured blur_size_px) of the darkening on r, by cv.GaussianBlur
   * on copies: r and the pad it reads (clamped to the image) in, r out.
   */
  private blurOther(r: RectPx, ks: number): void {
    const { cv, cw, ch } = this;
    this.otherBlur ??= { D: new cv.Mat(ch, cw, cv.CV_32FC1), Db: new cv.Mat(ch, cw, cv.CV_32FC1) };
    const p = ks >> 1, x0 = Math.max(0, r.x - p), x1 = Math.min(cw, r.x + r.w + p);
    const Dc = this.otherBlur.D.data32F as Float32Array;
    for (let v = Math.max(0, r.y - p); v < Math.min(ch, r.y + r.h + p); v++) Dc.set(this.blur.D.subarray(v * cw + x0, v * cw + x1), v * cw + x0);
    const rc = new cv.Rect(r.x, r.y, r.w, r.h);
    const src = this.otherBlur.D.roi(rc), dst = this.otherBlur.Db.roi(rc);
    cv.GaussianBlur(src, dst, new cv.Size(ks, ks), 0, 0, cv.BORDER_REPLICATE);
    src.delete();
    dst.delete();
    const Dbc = this.otherBlur.Db.data32F as Float32Array;
    for (let v = r.y; v < r.y + r.h; v++) this.blur.Db.set(Dbc.subarray(v * cw + r.x, v * cw + r.x + r.w), v * cw + r.x);
  }

  /** This frame's kept regions that touch the interface (runs of `spans`), as the next frame's temporal seeds. */
  private keepDendrites(spans: Int32Array, labels: Int32Array, regions: readonly CrackRegion[]): void {
    this.clearKept();
    const { cw, prevKept: pk } = this;
    if (this.keptStore.length < spans.length) this.keptStore = new Int32Array(Math.max(spans.length, 2 * this.keptStore.length));
    const st = this.keptStore;
    let n = 0;
    for (let k = 0; k < spans.length; k += 3) {
      const v = spans[k], a = spans[k + 1], b = spans[k + 2];
      if (!regions[labels[v * cw + a] - 1].touchesInterface) continue;
      pk.fill(1, v * cw + a, v * cw + b);
      st[n++] = v;
      st[n++] = a;
      st[n++] = b;
    }
    this.nKept = n;
  }

  /** Clear the last frame's temporal seeds (through their runs). */
  private clearKept(): void {
    const { cw, prevKept: pk, keptStore: st } = this;
    for (let k = 0; k < this.nKept; k += 3) pk.fill(0, st[k] * cw + st[k + 1], st[k] * cw + st[k + 2]);
    this.nKept = 0;
  }

  /** The runs (row, u0, u1 triples) of the last frame's dendrites — the next frame's temporal seeds — for checkpoints. */
  keptDendriteSpans(): Int32Array {
    return this.keptStore.slice(0, this.nKept);
  }

  /** Make `spans` (keptDendriteSpans of a checkpoint) the next frame's temporal seeds. */
  restoreKeptDendriteSpans(spans: Int32Array): void {
    this.clearKept();
    const { cw, prevKept: pk } = this;
    for (let k = 0; k < spans.length; k += 3) pk.fill(1, spans[k] * cw + spans[k + 1], spans[k] * cw + spans[k + 2]);
    this.keptStore = spans.slice();
    this.nKept = spans.length;
  }

  /**
   * Segment one canonical gray8 frame: the whole frame (`rects` null), or only the given
   * rectangles (canonical pixels, not overlapping; they may touch — a region crossing from one
   * to the next is joined across the seam). Inside the rectangles the result is the same as the
   * whole frame's: darkening is computed with a pad wide enough for the blur and the closing to
   * see the same neighbourhood. Outside them everything (darkening, labels) is stale and must
   * not be read: the rectangles carry a margin around every region of interest (RoiScheduler).
   * The noise σ (hence the thresholds) is measured on whole frames (at the ≈ 20 000 noise
   * samples) and, with `noiseSamples` > 0, on a rectangle frame too at the first `noiseSamples`
   * of them (segmentNext: rectNoiseStride); otherwise the last one measured is kept.
   *
   * `frozen`: more rectangles (not overlapping the others) whose closed mask is taken as the
   * last frame that segmented them left it (RoiScheduler: far from every tip), for the components
   * only — they are not segmented again. For that, every rectangle segmented leaves its closed
   * mask whole: 0 wherever it has no foreground.
   */
  segment(img: Uint8Array, rects: readonly RectPx[] | null = null, frozen: readonly RectPx[] = [], noiseSamples = 0): SegmentResult {
    const { cv, cw, ch, ref, opts } = this;
    const list: readonly RectPx[] = rects ?? [{ x: 0, y: 0, w: cw, h: ch }];
    const hb = (opts.blurSizePx | 1) >> 1, hk = (opts.closeSizePx | 1) >> 1;
    const grow = (r: RectPx, p: number): RectPx => {
      const x0 = Math.max(0, r.x - p), y0 = Math.max(0, r.y - p);
      return { x: x0, y: y0, w: Math.min(cw, r.x + r.w + p) - x0, h: Math.min(ch, r.y + r.h + p) - y0 };
    };
    const cvRect = (r: RectPx) => new cv.Rect(r.x, r.y, r.w, r.h);
    // 1. gain (flicker), from a fixed sparse sample of the whole frame
    const gain = this.gainOf(img);
    // (a rectangle frame's noise σ, at its samples)
    if (rects !== null && noiseSamples > 0) this.sigmaBlurRel = Math.max(this.noiseAtSamples(img, gain, Math.min(noiseSamples, this.noiseIdx.length)), 1e-4);
    // relative darkening D = (g·B − I)/(g·B) = 1 − I·(1/B)/g, on each rectangle + the pad the
    // blur (hb) and the closing (2·hk: dilation then erosion) read around it
    // (this arithmetic exactly: the tip fit is sensitive to the last bit of the darkening)
    // (each pixel once: the pads of neighbouring rectangles overlap, a third of a 24 px tile row)
    this.blur.darken(img, this.grayMap, gain, rowSpans(list.map((r0) => grow(r0, hb + 2 * hk)))); // (darkenSpans, on WebAssembly SIMD)
    // 2. blur each rectangle + 2·hk (the pixels around it are read from the image: not isolated)
    const ks = opts.blurSizePx | 1;
    for (const r0 of list) {
      if (ks === 5) this.blur.blur5(grow(r0, 2 * hk));
      else this.blurOther(grow(r0, 2 * hk), ks);
    }
    const blurred = this.blur.Db;
    // Noise of this frame, robust (a few cracks do not move the MAD), over a fixed sparse set
    // of crystal pixels; measured on every frame (above for rectangles): compressed video is not
    // stationary, a frame just after the reference frames (the same GOP) can be half as noisy as the rest.
    if (rects === null) {
      const si = this.noiseIdx, sb = this.noiseBuf;
      for (let k = 0; k < si.length; k++) sb[k] = blurred[si[k]];
      this.sigmaBlurRel = Math.max(si.length > 10 ? robustSigmaInPlace(sb) : 0, 1e-4);
    } else if (!Number.isFinite(this.sigmaBlurRel)) this.sigmaBlurRel = Math.max(ref.noiseSigmaRel * 0.3, 1e-4);
    const low = Math.max(opts.lowSigma * this.sigmaBlurRel, opts.minDarkeningRel);
    const high = Math.max(opts.highSigma * this.sigmaBlurRel, 1.5 * low);
    // 3. threshold (low) on each rectangle + 2·hk, noting the box of the pixels above it: the
    // closing and the components only need to run there (they are empty elsewhere)
    // (views of OpenCV's heap are fetched per frame: it may have grown)
    const cvM8 = this.mats ? (this.mats.m8.data as Uint8Array) : null;
    /** Per rectangle, the box of its foreground (null: none). */
    const fg: Array<RectPx | null> = [];
    for (const r0 of list) fg.push(cvM8 ? thresholdRect(blurred, cvM8, low, cw, ch, grow(r0, 2 * hk)) : this.blur.threshold(grow(r0, 2 * hk), low));
    /** a ∩ b, or null when empty. */
    const meet = (a: RectPx, b: RectPx): RectPx | null => {
      const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y), x1 = Math.min(a.x + a.w, b.x + b.w), y1 = Math.min(a.y + a.h, b.y + b.h);
      return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : null;
    };
    // 4. closing as dilation (rectangle + hk) then erosion (rectangle): every rectangle's
    // dilation first, so each erosion reads finished neighbours across a seam. Only near the
    // foreground F: the dilation is 0 beyond F + hk and the closing beyond F + hk too, so the
    // dilation runs on (rectangle + hk) ∩ (F + 2·hk), all the erosion there reads, and the
    // erosion (hence the components) on the rectangle ∩ (F + hk).
    const work: Array<RectPx | null> = list.map((r0, k) => (fg[k] ? meet(r0, grow(fg[k]!, hk)) : null));
    const dil = list.map((r0, k) => (work[k] ? meet(grow(r0, hk), grow(fg[k]!, 2 * hk)) : null));
    if (!this.mats) {
      // the 3 × 3 cross on a 0/255 mask: max and min of the 5 pixels are their OR and AND (pixels
      // outside the image do not count, as with OpenCV's default border value); like OpenCV on a
      // sub-matrix, pixels around the rectangle are read from the whole image
      // (simdMask.wat, on the masks in the blur kernel's memory)
      for (const d of dil) if (d) this.blur.dilate(d);
      for (const w of work) if (w) this.blur.erode(w);
    } else {
      const mats = this.mats;
      const border = cv.BORDER_CONSTANT, bval = cv.morphologyDefaultBorderValue(), anchor = new cv.Point(-1, -1);
      // one morphology step on each rectangle (sub-matrices of `from` into the same ones of `to`)
      const onRects = (op: typeof cv.dilate, from: CvMat, to: CvMat, rects: typeof dil) => {
        for (const q of rects) {
          if (!q) continue;
          const rc = cvRect(q);
          const src = from.roi(rc), dst = to.roi(rc);
          op(src, dst, mats.kernel, anchor, 1, border, bval);
          src.delete();
          dst.delete();
        }
      };
      onRects(cv.dilate, mats.m8, mats.dil, dil);
      onRects(cv.erode, mats.dil, mats.closed, work);
    }
    // the closed mask of each rectangle is kept whole (0 outside the part the closing ran on): a
    // frame that freezes a tile later reads all of it (not the band's tiles: never frozen)
    if (this.schedule.opts.freezeEveryFrames > 1) {
      const closed = this.closedMask(), skip = this.schedule.bandRowsPx;
      list.forEach((r0, k) => clearOutside(closed, cw, r0, work[k], skip));
    }
    // labels outside this frame's rectangles are stale: clear the runs last labelled in this buffer
    const labels = this.labelBuf;
    const last = this.lastSpans;
    for (let k = 0; k < last.length; k += 3) fillRunI32(labels, 0, last[k] * cw + last[k + 1], last[k] * cw + last[k + 2]);
    this.lastRects = [...list, ...frozen].map((r) => ({ ...r }));
    // 5. 8-connected components of the closed mask on the work rectangles (joined across their
    // seams: one labelling of the frame), kept when large enough and holding a seed above `high`
    // or, touching the interface, a pixel of the frame before's dendrites (temporal seeds)
    const cc = labelComponents({
      mask: this.mats ? (this.mats.closed.data as Uint8Array) : this.blur.closed, cw, rects: [...work.filter((w): w is RectPx => w !== null), ...frozen], blurred, high,
      minAreaPx: opts.minAreaPx, ifaceV: ref.iface.vPx, touchBandPx: opts.touchBandPx, prevKept: this.prevKept,
    }, labels, this.cc);
    this.keepDendrites(cc.spans, labels, cc.regions);
    // the runs, kept with this label buffer (cleared through them when it is written next)
    let store = this.spanStore.get(labels);
    if (!store || store.length < cc.spans.length) this.spanStore.set(labels, (store = new Int32Array(Math.max(cc.spans.length, 2 * (store?.length ?? 0), 3072))));
    store.set(cc.spans);
    this.lastSpans = store.subarray(0, cc.spans.length);
    const regions = cc.regions;
    return { regions, darkening: this.blur.D, darkeningBlurred: blurred, labels, labelSpans: this.lastSpans, gain, thresholdRel: low };
  }
}

// The per-pixel loops of Segmenter.segment, each its own small function: the JIT compiles (and,
// when a frame takes a path the first ones did not, recompiles) these, not the whole of segment.

/**
 * Relative darkening D = (g·B − I)/(g·B), I = map[img], on the row runs `spans` ((row, x0, x1)
 * triples: rowSpans; 0 where B is 0: off the crystal). The segmenter runs it on WebAssembly SIMD
 * (SimdBlur.darken, bit for bit this: test/segment/simdDark.test.ts).
 */
export function darkenSpans(img: Uint8Array, map: Uint8Array, Bc: Float32Array, D: Float32Array, gain: number, cw: number, spans: Int32Array): void {
  for (let k = 0; k < spans.length; k += 3) {
    const row = spans[k] * cw;
    for (let i = row + spans[k + 1], e = row + spans[k + 2]; i < e; i++) {
      const bc = Bc[i], b = gain * bc;
      D[i] = bc !== 0 ? (b - map[img[i]]) / b : 0;
    }
  }
}

/** Set m to 0 on rectangle r outside its part `keep` (all of r when keep is null), but on rows [skip.y0, skip.y1). */
function clearOutside(m: Uint8Array, cw: number, r: RectPx, keep: RectPx | null, skip: { y0: number; y1: number }): void {
  const x1 = r.x + r.w;
  for (let v = r.y; v < r.y + r.h; v++) {
    if (v >= skip.y0 && v < skip.y1) {
      v = skip.y1 - 1;
      continue;
    }
    const row = v * cw;
    if (!keep || v < keep.y || v >= keep.y + keep.h) m.fill(0, row + r.x, row + x1);
    else {
      if (keep.x > r.x) m.fill(0, row + r.x, row + keep.x);
      if (keep.x + keep.w < x1) m.fill(0, row + keep.x + keep.w, row + x1);
    }
  }
}

/** The gray map of frames that are final gray already. */
const IDENTITY_MAP = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Whether a 32-bit word holds its first byte lowest (the masks' word views assume it). */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Int32 views of the masks (made once per mask, not per rectangle and frame). */
const words = new WeakMap<Uint8Array, Int32Array>();
/** m8 as 32-bit words (little-endian, 4-byte aligned; its whole words), or null when it cannot be read so. */
function wordView(m8: Uint8Array): Int32Array | null {
  if (!LITTLE_ENDIAN || m8.byteOffset % 4 !== 0) return null;
  let w = words.get(m8);
  if (!w) words.set(m8, (w = new Int32Array(m8.buffer, m8.byteOffset, m8.length >> 2)));
  return w;
}

/**
 * The 0/255 mask of blurred > low on r (as cv.THRESH_BINARY: strictly above) and the box of its
 * foreground (null: none). Four pixels at a time where the mask allows (one 32-bit store, and the
 * box updated only for a word with foreground: half the time of a store and a branch per pixel);
 * the ends of each row, or a mask not 4-byte aligned, one at a time. For a mask in OpenCV's heap
 * (a closing other than the 3 × 3 cross); the default path thresholds in SimdBlur.threshold.
 */
export function thresholdRect(blurred: Float32Array, m8: Uint8Array, low: number, cw: number, ch: number, r: RectPx): RectPx | null {
  let u0 = cw, u1 = -1, v0 = ch, v1 = -1;
  const m32 = wordView(m8);
  for (let v = r.y; v < r.y + r.h; v++) {
    const row = v * cw, e = row + r.x + r.w;
    let a = -1, z = -1, i = row + r.x;
    if (m32) {
      for (; i < e && (i & 3) !== 0; i++) {
        const on = blurred[i] > low;
        m8[i] = on ? 255 : 0;
        if (on) { if (a < 0) a = i - row; z = i - row; }
      }
      for (; i + 4 <= e; i += 4) {
        const w = (blurred[i] > low ? 0xff : 0) | (blurred[i + 1] > low ? 0xff00 : 0) | (blurred[i + 2] > low ? 0xff0000 : 0) | (blurred[i + 3] > low ? -0x1000000 : 0);
        m32[i >> 2] = w;
        if (w !== 0) {
          if (a < 0) a = i - row + (w & 0xff ? 0 : w & 0xff00 ? 1 : w & 0xff0000 ? 2 : 3);
          z = i - row + (w & -0x1000000 ? 3 : w & 0xff0000 ? 2 : w & 0xff00 ? 1 : 0);
        }
      }
    }
    for (; i < e; i++) {
      const on = blurred[i] > low;
      m8[i] = on ? 255 : 0;
      if (on) { if (a < 0) a = i - row; z = i - row; }
    }
    if (z >= 0) {
      if (a < u0) u0 = a;
      if (z > u1) u1 = z;
      if (v < v0) v0 = v;
      v1 = v;
    }
  }
  return u1 >= 0 ? { x: u0, y: v0, w: u1 - u0 + 1, h: v1 - v0 + 1 } : null;
}

/** The row pass at pixel i (5 pixels i − 2 … i + 2 of one row, all inside the image): darkening as darkenSpans, float32. */
function blurredRowAt(img: Uint8Array, map: Uint8Array, Bc: Float32Array, gain: number, i: number): number {
  const f = Math.fround;
  const d0 = darkAt(img, map, Bc, gain, i - 2), d1 = darkAt(img, map, Bc, gain, i - 1), d2 = darkAt(img, map, Bc, gain, i);
  const d3 = darkAt(img, map, Bc, gain, i + 1), d4 = darkAt(img, map, Bc, gain, i + 2);
  return f(f(f(d2 * 0.375) + f(f(d1 + d3) * 0.25)) + f(f(d0 + d4) * 0.0625));
}

/** Darkening at pixel i, rounded to float32 (darkenSpans' arithmetic). */
function darkAt(img: Uint8Array, map: Uint8Array, Bc: Float32Array, gain: number, i: number): number {
  const bc = Bc[i];
  if (bc === 0) return 0;
  const b = gain * bc;
  return Math.fround((b - map[img[i]]) / b);
}

/**
 * The blurred darkening at the sample pixels si into sb (Segmenter.noiseAtSamples): the darkening
 * of each one's 5 × 5 neighbourhood (as darkenSpans computes it, float32) blurred with
 * cv.GaussianBlur's own arithmetic ((1, 4, 6, 4, 1)/16, row pass then column pass in float32,
 * border replicated). Its own function: inside the method, its compiled loop was thrown away at
 * the first line after it, once per whole frame for the first several.
 */
export function blurredDarkeningAt(
  img: Uint8Array, map: Uint8Array, Bc: Float32Array, gain: number, cw: number, ch: number,
  si: Int32Array, sb: Float64Array, blk: Float32Array, rows: Float64Array, skip: Uint8Array | null = null,
): void {
  const f = Math.fround;
  for (let k = 0; k < si.length; k++) {
    if (skip && skip[k]) continue; // (done by the SIMD kernel)
    const u = si[k] % cw, v = (si[k] - u) / cw;
    if (u >= 2 && u < cw - 2 && v >= 2 && v < ch - 2) {
      // inside the image (nearly every sample): no border to replicate
      for (let dv = -2; dv <= 2; dv++) rows[dv + 2] = blurredRowAt(img, map, Bc, gain, si[k] + dv * cw);
    } else {
      for (let dv = -2; dv <= 2; dv++) {
        const vv = v + dv < 0 ? 0 : v + dv >= ch ? ch - 1 : v + dv, row = vv * cw;
        for (let du = -2; du <= 2; du++) {
          const uu = u + du < 0 ? 0 : u + du >= cw ? cw - 1 : u + du, i = row + uu;
          let d = 0;
          if (Bc[i] !== 0) {
            const b = gain * Bc[i];
            d = (b - map[img[i]]) / b;
          }
          blk[5 * (dv + 2) + du + 2] = d;
        }
        const o = 5 * (dv + 2);
        rows[dv + 2] = f(f(f(blk[o + 2] * 0.375) + f(f(blk[o + 1] + blk[o + 3]) * 0.25)) + f(f(blk[o] + blk[o + 4]) * 0.0625));
      }
    }
    sb[k] = f(f(f(0.375 * rows[2]) + f(0.25 * f(rows[3] + rows[1]))) + f(0.0625 * f(rows[4] + rows[0])));
  }
}

/**
 * A fixed staggered sample of about `count` crystal pixels (more than 4 px below the interface;
 * with `median`, only where it is > 8): their indices. (Its own function: in Segmenter's
 * constructor the loop was compiled on the stack together with all of it.)
 */
function crystalSamples(ref: Reference, count: number, median: Uint8Array | null): Int32Array {
  const { cw, ch } = ref.geom, vPx = ref.iface.vPx;
  const idx: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt((cw * ch) / count)));
  for (let v = 0; v < ch; v += step) {
    for (let u = (v / step) % 2 ? step >> 1 : 0; u < cw; u += step) {
      if (v > vPx[u] + 4 && (!median || median[v * cw + u] > 8)) idx.push(v * cw + u);
    }
  }
  return Int32Array.from(idx);
}
