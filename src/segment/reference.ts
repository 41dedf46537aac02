/**
 * The reference image of a recording: what the crystal looked like before anything changed.
 *
 * - `median`: per-pixel median of the first K frames (canonical orientation). Removes sensor
 *   noise; keeps static texture, dust, and cracks already present at the start.
 * - `background`: the pristine crystal. Equal to `median` except where the median holds a
 *   dark feature (crack or dust), which is replaced by a morphological closing of the median
 *   (a rectangle wider than any crack): texture is subtracted exactly, cracks are not.
 * - `interface`: the plating-electrode interface (see detectInterface).
 * - `noiseSigmaRel`: robust single-frame noise of the relative darkening.
 */
import type { CanonicalGeometry } from './orient.js';
import { detectInterface, type ElectrodeInterface } from './interface.js';
import { closeRect } from './rectMorphology.js';
import { median5Simd } from './simdRef.js';
import { gaussianAtPoints, gaussianKernel } from './sparseGaussian.js';
import { linkRuns } from './components.js';
import { crystalOnlyImage, gridResiduals, mapBytesInPlace, markDarkFeatures, robustSigmaOf, wholeMaskRuns } from './refScan.js';

export interface ReferenceOptions {
  /** Width of the closing that removes cracks from the background [px]; wider than any crack. */
  closingSizePx: number;
  /** A pixel is a dark feature of the median when it is this much (relative) below the closing. */
  darkFeatureRel: number;
  /** A dark feature not touching the interface is a crack (filled) when its axis ratio √(λ₁/λ₂) ≥ this. */
  crackElongation: number;
  /** A dark feature within this distance of the interface is a dendrite present at the start [px]… */
  touchBandPx: number;
  /** …when it reaches at least this far into the crystal [px]… */
  minDepthPx: number;
  /**
   * …and when its peak darkening reaches this many dark-feature thresholds (an isolated one:
   * `inclusionContrast`). Li-filled cracks are opaque; the crystal's texture sets the threshold
   * (4 × its spread), and its troughs reach about 1.2–1.45 × it: on the 1500-frame bench video
   * (threshold 0.22) a trough in the interface band peaked at 0.27–0.31 and, filled, was tracked
   * as four static "dendrites"; 90 % of the compact dark grains peak below 0.32, the cracks
   * present at the start at 0.54–0.90. A rendered 40 %-contrast dendrite on a strong texture
   * peaks at ≈ 2 thresholds, hence less than for inclusions.
   */
  dendriteContrast: number;
  /** An isolated crack-like feature (inclusion, scratch) is filled when its peak darkening reaches this many dark-feature thresholds. */
  inclusionContrast: number;
}

export const DEFAULT_REFERENCE_OPTIONS: ReferenceOptions = {
  closingSizePx: 31, darkFeatureRel: 0.03, crackElongation: 2.8, touchBandPx: 6, minDepthPx: 6, dendriteContrast: 1.5, inclusionContrast: 2,
};

export interface Reference {
  geom: CanonicalGeometry;
  median: Uint8Array;
  background: Float32Array;
  iface: ElectrodeInterface;
  /** Robust 1-σ per-pixel noise of (B − I)/B in one frame. */
  noiseSigmaRel: number;
  /** Number of frames the median was taken over. */
  nFrames: number;
}

/** Per-pixel median of a few canonical gray8 frames. */
export function medianImage(frames: Uint8Array[], n: number): Uint8Array {
  const k = frames.length;
  const out = new Uint8Array(n);
  // k ≤ 5 (the default is 5): exact selection networks, branch-free (see below)
  if (k === 1) out.set(frames[0].subarray(0, n));
  else if (k === 2) median2(frames, out, n);
  else if (k === 3) median3(frames, out, n);
  else if (k === 4) median4(frames, out, n);
  else if (k === 5) {
    // (WebAssembly SIMD: the same bytes, simdRef.ts says why)
    const simd = median5Simd(frames, n);
    if (simd) return simd;
    median5(frames, out, n);
  }
  else {
    const buf = new Uint8Array(k);
    for (let i = 0; i < n; i++) {
      // insertion sort: k is small (≤ 51), and a call to TypedArray#sort per pixel costs more
      for (let j = 0; j < k; j++) {
        const x = frames[j][i];
        let m = j;
        while (m > 0 && buf[m - 1] > x) {
          buf[m] = buf[m - 1];
          m--;
        }
        buf[m] = x;
      }
      out[i] = k % 2 ? buf[(k - 1) >> 1] : (buf[k / 2 - 1] + buf[k / 2] + 1) >> 1;
    }
  }
  return out;
}

// The small-k medians are comparator networks written with branch-free integer arithmetic:
// for gray levels x, y, `d = (x − y) & ((x − y) >> 31)` is x − y when x < y, else 0, so
// min(x, y) = y + d and max(x, y) = x − d. A branch per comparison would be mispredicted about
// half the time on noisy pixels (this is ~5× faster than the insertion sort).

function median2(frames: Uint8Array[], out: Uint8Array, n: number): void {
  const f0 = frames[0], f1 = frames[1];
  for (let i = 0; i < n; i++) out[i] = (f0[i] + f1[i] + 1) >> 1;
}

function median3(frames: Uint8Array[], out: Uint8Array, n: number): void {
  const f0 = frames[0], f1 = frames[1], f2 = frames[2];
  for (let i = 0; i < n; i++) {
    const a = f0[i], b = f1[i], c = f2[i];
    // median = max(min(a, b), min(max(a, b), c))
    const dab = (a - b) & ((a - b) >> 31), lo = b + dab, hi = a - dab;
    const dhc = (hi - c) & ((hi - c) >> 31), m = c + dhc;
    const dl = (lo - m) & ((lo - m) >> 31);
    out[i] = lo - dl;
  }
}

function median4(frames: Uint8Array[], out: Uint8Array, n: number): void {
  const f0 = frames[0], f1 = frames[1], f2 = frames[2], f3 = frames[3];
  for (let i = 0; i < n; i++) {
    const a = f0[i], b = f1[i], c = f2[i], d = f3[i];
    // sorted pairs (lo1 ≤ hi1), (lo2 ≤ hi2): the middle two of the four are max(lo1, lo2) and
    // min(hi1, hi2) (the overall min and max are the other two); rounded mean as the general path
    const d1 = (a - b) & ((a - b) >> 31), lo1 = b + d1, hi1 = a - d1;
    const d2 = (c - d) & ((c - d) >> 31), lo2 = d + d2, hi2 = c - d2;
    const dl = (lo1 - lo2) & ((lo1 - lo2) >> 31), dh = (hi1 - hi2) & ((hi1 - hi2) >> 31);
    out[i] = (lo1 - dl + (hi2 + dh) + 1) >> 1;
  }
}

export function median5(frames: Uint8Array[], out: Uint8Array, n: number): void {
  const f0 = frames[0], f1 = frames[1], f2 = frames[2], f3 = frames[3], f4 = frames[4];
  for (let i = 0; i < n; i++) {
    let a = f0[i], b = f1[i], c = f2[i], d = f3[i], e = f4[i], m, s;
    // Devillard's opt_med5: 7 compare-exchanges (x, y) ← (min, max); the median ends in c
    s = a + b; m = (a - b) & ((a - b) >> 31); a = b + m; b = s - a;
    s = d + e; m = (d - e) & ((d - e) >> 31); d = e + m; e = s - d;
    s = a + d; m = (a - d) & ((a - d) >> 31); a = d + m; d = s - a;
    s = b + e; m = (b - e) & ((b - e) >> 31); b = e + m; e = s - b;
    s = b + c; m = (b - c) & ((b - c) >> 31); b = c + m; c = s - b;
    s = c + d; m = (c - d) & ((c - d) >> 31); c = d + m; d = s - c;
    m = (b - c) & ((b - c) >> 31); c = b - m; // max(b, c) only
    out[i] = c;
  }
}

/**
 * Median absolute deviation scaled to σ for a sample (the input is not modified): 1.4826 ×
 * median(|x − median(x)|), both upper medians (element n >> 1 of the sorted values, NaNs last as
 * Float64Array#sort orders them), found by selection (refScan.wat) — the same order statistics as
 * two sorts, so the same value.
 */
export function robustSigma(values: Float64Array | number[]): number {
  const a = values instanceof Float64Array ? values : Float64Array.from(values);
  return robustSigmaOf(a, a.length);
}

/**
 * The reference of a recording from its first frames (canonical gray8). `grayMap`: the frames'
 * gray is grayMap[pixel] (a source that leaves the limited → full range table to its consumer:
 * IngestFrameSource.grayMap) — applied to the median, not to every frame: the table never
 * decreases, so the median of the mapped frames is the map of their median, bit for bit.
 */
export function buildReference(
  canonicalFrames: Uint8Array[],
  geom: CanonicalGeometry,
  opts: ReferenceOptions = DEFAULT_REFERENCE_OPTIONS,
  grayMap: Uint8Array | null = null,
): Reference {
  const { cw, ch } = geom;
  const n = cw * ch;
  const median = medianImage(canonicalFrames, n);
  if (grayMap) mapBytesInPlace(median, grayMap);

  const iface = detectInterface(median, cw, ch);
  const vPx = iface.vPx;
  // Closing of the median removes dark features narrower than the kernel. The electrode side is
  // replaced by the crystal just beyond the interface first: a bright electrode would otherwise
  // be spread into the crystal's edge by the closing, and a dark one cut into by it.
  const crystalOnly = crystalOnlyImage(median, cw, ch, vPx);
  const closedData = closeRect(crystalOnly, cw, ch, Math.max(3, opts.closingSizePx | 1));

  // The sample grid of the noise and texture estimates: every step-th row and column, in the
  // crystal (raster order; collected once for both).
  const { su: suI, sv: svI } = crystalGrid(vPx, cw, ch, Math.max(1, Math.floor(Math.sqrt(n / 20000))));

  // Noise: residuals of the individual frames against the median, in the crystal (robust, so
  // the few crack pixels do not matter). The median of K frames is itself noisy: the residual
  // variance is ≈ σ²(1 − 1/K); correct for it. (The samples go straight into a Float64Array.)
  const kF = canonicalFrames.length;
  const { samples, count: nS } = gridResiduals(canonicalFrames, median, grayMap ?? IDENTITY, suI, svI, cw);
  let noiseSigmaRel = nS > 10 ? robustSigmaOf(samples, nS) : 0.01;
  if (kF > 1) noiseSigmaRel /= Math.sqrt(Math.max(0.2, 1 - 1 / kF));
  if (!(noiseSigmaRel > 1e-4)) noiseSigmaRel = 1e-3; // noiseless synthetic input
  const medianNoiseRel = (1.25 * noiseSigmaRel) / Math.sqrt(kF);

  // Dark features of the median (cracks, dust): well below the closing. The closing of a noisy
  // image sits near the upper noise envelope, hence the noise-scaled threshold.
  // On a strongly textured crystal every dark grain is below the closing: the threshold also
  // scales with the texture's amplitude, the robust spread of the median around its own smooth
  // version (symmetric, so a few large dark features — cracks, inclusions — do not inflate it).
  // (the smooth version is needed only at the sample points: blurred there, not everywhere)
  const sg = Math.max(2, opts.closingSizePx / 3);
  const smoothAt = gaussianAtPoints(crystalOnly, cw, ch, gaussianKernel(2 * Math.ceil(3 * sg) + 1, sg), suI, svI);
  const { spread, count: nSp } = relativeSpread(smoothAt, median, suI, svI, cw);
  const textureRel = nSp > 10 ? robustSigmaOf(spread, nSp) : 0;
  const darkThr = Math.max(opts.darkFeatureRel, 6 * medianNoiseRel, 4 * textureRel);
  // The relative darkening (c − m)/c, rounded to float32 as stored, depends only on the two
  // gray levels: its comparison with the threshold is tabulated once for all 256 × 256 pairs.
  // darkRel is read (by keepCrackLike) only at dark pixels, so only they are written.
  const isDark = darkTable(darkThr);
  const crystalFrom = new Float64Array(cw); // pixel (u, v) is in the crystal when v > vPx[u] + 3
  for (let u = 0; u < cw; u++) crystalFrom[u] = vPx[u] + 3;
  const { dark, darkRel } = markDarkFeatures(closedData, median, isDark, crystalFrom, cw, ch);
  // Crack-like dark features are filled: cracks present at the start (dendrites, which touch
  // the interface, and isolated Li inclusions and scratches, which are elongated; both well
  // darker than the dark-feature threshold) must show as darkening to be tracked from the first
  // frame. Compact dark grains (texture, dust) stay in the background and are subtracted
  // exactly: filling them would leave hundreds of static darkening blobs per frame to segment,
  // measure and reject (a textured crystal).
  keepCrackLike(dark, darkRel, cw, ch, vPx, { ...opts, minContrastRel: opts.inclusionContrast * darkThr, minTouchContrastRel: opts.dendriteContrast * darkThr });
  const grown = dilateBinary(dark, cw, ch, 2);
  // Fill them by normalised convolution of the surrounding crystal (unbiased, unlike the closing).
  const sigmaFill = Math.max(2, opts.closingSizePx / 3);
  const kFill = gaussianKernel(2 * Math.ceil(3 * sigmaFill) + 1, sigmaFill);
  const background = new Float32Array(n);
  background.set(median);
  fillCracks(background, grown, median, closedData, vPx, cw, ch, kFill);
  return { geom, median, background, iface, noiseSigmaRel, nFrames: kF };
}

// buildReference's loops, each in a small function of its own: inside the big function V8
// compiled them on the stack (OSR) together with all of it, and threw that code away at the
// first line after them not yet run — several compilations of buildReference per run.

/** The sample grid of the noise and texture estimates: every step-th row and column, in the crystal (v > vPx[u] + 3), in raster order. */
function crystalGrid(vPx: Float32Array, cw: number, ch: number, step: number): { su: Int32Array; sv: Int32Array } {
  const su: number[] = [], sv: number[] = [];
  for (let v = 0; v < ch; v += step) for (let u = 0; u < cw; u += step) if (v > vPx[u] + 3) { su.push(u); sv.push(v); }
  return { su: Int32Array.from(su), sv: Int32Array.from(sv) };
}

/** (s − median) / s at the grid points where s, the smooth version rounded as a gray8 blur, is > 0. */
function relativeSpread(smoothAt: Float64Array, median: Uint8Array, su: Int32Array, sv: Int32Array, cw: number): { spread: Float64Array; count: number } {
  const spread = new Float64Array(su.length);
  let count = 0;
  for (let k = 0; k < su.length; k++) {
    const sm = Math.min(255, Math.round(smoothAt[k])), i = sv[k] * cw + su[k];
    if (sm > 0) spread[count++] = (sm - median[i]) / sm;
  }
  return { spread, count };
}

/** isDark[(c << 8) | m] = 1 where the relative darkening (c − m) / c, rounded to float32 as stored, is above the threshold. */
function darkTable(darkThr: number): Uint8Array {
  const isDark = new Uint8Array(256 * 256);
  for (let c = 1; c < 256; c++) for (let m = 0; m < 256; m++) isDark[(c << 8) | m] = Math.fround((c - m) / c) > darkThr ? 1 : 0;
  return isDark;
}

/**
 * The background at the pixels of `grown` (the kept crack-like features, grown): the normalised
 * convolution (kernel kFill) of the surrounding crystal's median, or the closing where the crystal
 * does not reach.
 */
function fillCracks(background: Float32Array, grown: Uint8Array, median: Uint8Array, closedData: Uint8Array, vPx: Float32Array, cw: number, ch: number, kFill: Float64Array): void {
  const fill = wholeMaskRuns(grown, cw, ch);
  if (fill.count) {
    // the filled pixels, in raster order
    const fus = new Int32Array(fill.pixels), fvs = new Int32Array(fill.pixels);
    let uMin = cw, uMax = -1, vMin = ch, vMax = -1;
    for (let q = 0, k = 0; q < fill.count; q++) {
      const v = fill.v[q];
      for (let u = fill.a[q]; u < fill.b[q]; u++, k++) { fus[k] = u; fvs[k] = v; }
      uMin = Math.min(uMin, fill.a[q]); uMax = Math.max(uMax, fill.b[q] - 1);
      vMin = Math.min(vMin, v); vMax = Math.max(vMax, v);
    }
    // Support of the fill: crystal pixels only — neither dark features nor the electrode side of
    // the interface (the electrode is dark and would pull the filled background down). The
    // blurs are read only at the filled pixels, so support and weighted median are built only
    // on their bounding box grown by the kernel radius (clamped to the image): every pixel the
    // blurs read, with the same border replication (a box edge is an image edge or beyond the
    // kernel's reach), hence the same sums.
    const r = (kFill.length - 1) >> 1;
    const x0 = Math.max(0, uMin - r), x1 = Math.min(cw - 1, uMax + r), y0 = Math.max(0, vMin - r), y1 = Math.min(ch - 1, vMax + r);
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const support = new Float32Array(bw * bh), weighted = new Float32Array(bw * bh);
    for (let v = y0; v <= y1; v++) {
      for (let u = x0; u <= x1; u++) {
        const i = v * cw + u, j = (v - y0) * bw + (u - x0);
        const w = grown[i] || v <= vPx[u] + 1.5 ? 0 : 1;
        support[j] = w;
        weighted[j] = w * median[i];
      }
    }
    const bus = fus.map((u) => u - x0), bvs = fvs.map((v) => v - y0);
    const nf = gaussianAtPoints(weighted, bw, bh, kFill, bus, bvs), df = gaussianAtPoints(support, bw, bh, kFill, bus, bvs);
    for (let k = 0; k < fus.length; k++) {
      const i = fvs[k] * cw + fus[k];
      background[i] = df[k] > 1e-3 ? nf[k] / df[k] : closedData[i];
    }
  }
}

/** The gray map that changes nothing. */
const IDENTITY = Uint8Array.from({ length: 256 }, (_, i) => i);

/**
 * Keep (in place) the 8-connected components of a dark-feature mask that look like Li-filled
 * cracks present at the start, clear the others:
 *  - dendrites: reaching within `touchBandPx` of the interface and at least `minDepthPx` deep
 *    into the crystal (not the dark notches of a ragged electrode edge), and dark: peak
 *    darkening ≥ `minTouchContrastRel`. A Li-filled crack is opaque; a trough of the crystal's
 *    texture that happens to lie in the band is not — filled, such a trough on the 1500-frame
 *    bench video showed as ≈ 9 % darkening in every frame and was tracked as four static
 *    "dendrites" (ReferenceOptions.dendriteContrast);
 *  - isolated Li (inclusions): elongated, with a second-moment axis ratio √(λ₁/λ₂) ≥
 *    `crackElongation` (a crack of length L and width W gives about L/W; a grain, a disc or a
 *    sparse network of grains about 1), and dark: peak darkening ≥ `minContrastRel` (a faint
 *    polishing scratch is elongated too, but static: left in the background it is subtracted
 *    exactly, and a dendrite crossing it is not merged with it).
 * `darkRel` is each pixel's darkening of the median below the pristine level. Returns the
 * number of pixels kept.
 */
export function keepCrackLike(
  dark: Uint8Array, darkRel: Float32Array, cw: number, ch: number, ifaceV: Float32Array,
  opts: { crackElongation: number; touchBandPx: number; minDepthPx: number; minContrastRel: number; minTouchContrastRel: number },
): number {
  // 8-connected components from the runs of the mask along rows, merged by union–find: only
  // the dark pixels are visited (a labelling such as OpenCV's connectedComponentsWithStats
  // walks and labels the whole frame). A decision depends only on each component's pixel set,
  // not on how it is labelled, so the result is that of any correct labelling.
  const runs = wholeMaskRuns(dark, cw, ch);
  const nr = runs.count, rv = runs.v, rs = runs.a, re = runs.b;
  const parent = new Int32Array(nr);
  linkRuns(runs, parent);
  // component index of each run (roots numbered in raster order), bounding-box corner and area
  const comp = new Int32Array(nr);
  let n = 0;
  for (let q = 0; q < nr; q++) comp[q] = parent[q] === q ? n++ : -1;
  for (let q = 0; q < nr; q++) comp[q] = comp[parent[q]];
  const left = new Int32Array(n).fill(cw), top = new Int32Array(n).fill(ch), area = new Int32Array(n);
  for (let q = 0; q < nr; q++) {
    const l = comp[q];
    if (rs[q] < left[l]) left[l] = rs[q];
    if (rv[q] < top[l]) top[l] = rv[q];
    area[l] += re[q] - rs[q];
  }
  const touches = new Uint8Array(n), depth = new Float32Array(n), peak = new Float32Array(n);
  // second moments about the bounding-box corner (numerically safe for any image size; sums of
  // integers, exact in float64, so their order does not matter)
  const m = new Float64Array(n * 5);
  for (let q = 0; q < nr; q++) {
    const l = comp[q], v = rv[q], row = v * cw, o = l * 5, y = v - top[l];
    for (let u = rs[q]; u < re[q]; u++) {
      if (v <= ifaceV[u] + opts.touchBandPx) touches[l] = 1;
      depth[l] = Math.max(depth[l], v - ifaceV[u]);
      peak[l] = Math.max(peak[l], darkRel[row + u]);
      const x = u - left[l];
      m[o] += x; m[o + 1] += y; m[o + 2] += x * x; m[o + 3] += y * y; m[o + 4] += x * y;
    }
  }
  const keep = new Uint8Array(n);
  const e2 = opts.crackElongation * opts.crackElongation;
  for (let l = 0; l < n; l++) {
    if (touches[l]) {
      keep[l] = depth[l] >= opts.minDepthPx && peak[l] >= opts.minTouchContrastRel ? 1 : 0;
      continue;
    }
    const a = area[l], o = l * 5;
    if (a < 3 || peak[l] < opts.minContrastRel) continue;
    const mx = m[o] / a, my = m[o + 1] / a;
    const sxx = m[o + 2] / a - mx * mx + 1 / 12, syy = m[o + 3] / a - my * my + 1 / 12, sxy = m[o + 4] / a - mx * my;
    const tr = sxx + syy, det = sxx * syy - sxy * sxy;
    const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
    const l1 = tr / 2 + disc, l2 = Math.max(1e-9, tr / 2 - disc);
    if (l1 / l2 >= e2) keep[l] = 1;
  }
  let kept = 0;
  for (let q = 0; q < nr; q++) {
    if (keep[comp[q]]) kept += re[q] - rs[q];
    else dark.fill(0, rv[q] * cw + rs[q], rv[q] * cw + re[q]);
  }
  return kept;
}

/** Binary dilation by a square of half-width r (separable max). */
export function dilateBinary(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  // from the runs of the mask: each run, widened by r, is set on the rows v−r..v+r (the union
  // of the shifted squares; only the set pixels and their neighbourhoods are touched)
  const out = new Uint8Array(mask.length);
  const runs = wholeMaskRuns(mask, w, h);
  for (let q = 0; q < runs.count; q++) {
    const s = Math.max(0, runs.a[q] - r), e = Math.min(w, runs.b[q] + r);
    const v = runs.v[q];
    for (let y = Math.max(0, v - r); y <= Math.min(h - 1, v + r); y++) out.fill(1, y * w + s, y * w + e);
  }
  return out;
}
