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
import type { Cv } from './opencv.js';
import { detectInterface, type ElectrodeInterface } from './interface.js';
import { closeRect } from './rectMorphology.js';
import { gaussianAtPoints, gaussianKernel } from './sparseGaussian.js';

export interface ReferenceOptions {
  /** Width of the closing that removes cracks from the background [px]; wider than any crack. */
  closingSizePx: number;
  /** A pixel is a dark feature of the median when it is this much (relative) below the closing. */
  darkFeatureRel: number;
  /** A dark feature not touching the interface is a crack (filled) when its axis ratio √(λ₁/λ₂) ≥ this. */
  crackElongation: number;
  /** A dark feature within this distance of the interface is a dendrite present at the start [px]… */
  touchBandPx: number;
  /** …when it reaches at least this far into the crystal [px]. */
  minDepthPx: number;
}

export const DEFAULT_REFERENCE_OPTIONS: ReferenceOptions = { closingSizePx: 31, darkFeatureRel: 0.03, crackElongation: 2.8, touchBandPx: 6, minDepthPx: 6 };

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
  return out;
}

/** Median absolute deviation scaled to σ for a sample (values are consumed/sorted). */
export function robustSigma(values: Float64Array | number[]): number {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return NaN;
  const med = a[a.length >> 1];
  const dev = a.map((x) => Math.abs(x - med)).sort();
  return 1.4826 * dev[dev.length >> 1];
}

export function buildReference(
  cv: Cv,
  canonicalFrames: Uint8Array[],
  geom: CanonicalGeometry,
  opts: ReferenceOptions = DEFAULT_REFERENCE_OPTIONS,
): Reference {
  const { cw, ch } = geom;
  const n = cw * ch;
  const median = medianImage(canonicalFrames, n);

  const iface = detectInterface(median, cw, ch);
  // Closing of the median removes dark features narrower than the kernel. The electrode side is
  // replaced by the crystal just beyond the interface first: a bright electrode would otherwise
  // be spread into the crystal's edge by the closing, and a dark one cut into by it.
  const crystalOnly = Uint8Array.from(median);
  for (let u = 0; u < cw; u++) {
    const vi = Math.floor(iface.vPx[u]);
    const vs = Math.min(ch - 1, Math.max(0, vi + 4));
    for (let v = 0; v < Math.min(vs, ch); v++) crystalOnly[v * cw + u] = median[vs * cw + u];
  }
  const closedData = closeRect(crystalOnly, cw, ch, Math.max(3, opts.closingSizePx | 1));


  // Noise: residuals of the individual frames against the median, in the crystal (robust, so
  // the few crack pixels do not matter). The median of K frames is itself noisy: the residual
  // variance is ≈ σ²(1 − 1/K); correct for it.
  const samples: number[] = [];
  const step = Math.max(1, Math.floor(Math.sqrt(n / 20000)));
  for (const f of canonicalFrames) {
    for (let v = 0; v < ch; v += step) {
      for (let u = 0; u < cw; u += step) {
        if (v <= iface.vPx[u] + 3) continue;
        const i = v * cw + u;
        if (median[i] > 0) samples.push((median[i] - f[i]) / median[i]);
      }
    }
  }
  const kF = canonicalFrames.length;
  let noiseSigmaRel = samples.length > 10 ? robustSigma(samples) : 0.01;
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
  const su: number[] = [], sv: number[] = [];
  for (let v = 0; v < ch; v += step) for (let u = 0; u < cw; u += step) if (v > iface.vPx[u] + 3) { su.push(u); sv.push(v); }
  const smoothAt = gaussianAtPoints(crystalOnly, cw, ch, gaussianKernel(2 * Math.ceil(3 * sg) + 1, sg), Int32Array.from(su), Int32Array.from(sv));
  const spread: number[] = [];
  for (let k = 0; k < su.length; k++) {
    const sm = Math.min(255, Math.round(smoothAt[k])), i = sv[k] * cw + su[k]; // (as a gray8 blur)
    if (sm > 0) spread.push((sm - median[i]) / sm);
  }
  const textureRel = spread.length > 10 ? robustSigma(spread) : 0;
  const darkThr = Math.max(opts.darkFeatureRel, 6 * medianNoiseRel, 4 * textureRel);
  const dark = new Uint8Array(n);
  const darkRel = new Float32Array(n);
  for (let v = 0; v < ch; v++) {
    for (let u = 0; u < cw; u++) {
      const i = v * cw + u;
      const c = closedData[i];
      if (v > iface.vPx[u] + 3 && c > 0) {
        darkRel[i] = (c - median[i]) / c;
        if (darkRel[i] > darkThr) dark[i] = 1;
      }
    }
  }
  // Crack-like dark features are filled: cracks present at the start (dendrites, which touch
  // the interface, and isolated Li inclusions and scratches, which are elongated) must show as
  // darkening to be tracked from the first frame. Compact dark grains (texture, dust) stay in
  // the background and are subtracted exactly: filling them would leave hundreds of static
  // darkening blobs per frame to segment, measure and reject (a textured crystal).
  keepCrackLike(cv, dark, darkRel, cw, ch, iface.vPx, { ...opts, minContrastRel: 2 * darkThr });
  const grown = dilateBinary(dark, cw, ch, 2);
  // Fill them by normalised convolution of the surrounding crystal (unbiased, unlike the closing).
  const sigmaFill = Math.max(2, opts.closingSizePx / 3);
  // Support of the fill: crystal pixels only — neither dark features nor the electrode side of
  // the interface (the electrode is dark and would pull the filled background down). The
  // blurs are read only at the filled pixels.
  const support = new Float32Array(n), weighted = new Float32Array(n);
  const fu: number[] = [], fv: number[] = [];
  for (let v = 0; v < ch; v++) {
    for (let u = 0; u < cw; u++) {
      const i = v * cw + u;
      const w = grown[i] || v <= iface.vPx[u] + 1.5 ? 0 : 1;
      support[i] = w;
      weighted[i] = w * median[i];
      if (grown[i]) { fu.push(u); fv.push(v); }
    }
  }
  const kFill = gaussianKernel(2 * Math.ceil(3 * sigmaFill) + 1, sigmaFill);
  const fus = Int32Array.from(fu), fvs = Int32Array.from(fv);
  const nf = gaussianAtPoints(weighted, cw, ch, kFill, fus, fvs), df = gaussianAtPoints(support, cw, ch, kFill, fus, fvs);
  const background = new Float32Array(n);
  for (let i = 0; i < n; i++) background[i] = median[i];
  for (let k = 0; k < fus.length; k++) {
    const i = fvs[k] * cw + fus[k];
    background[i] = df[k] > 1e-3 ? nf[k] / df[k] : closedData[i];
  }
  return { geom, median, background, iface, noiseSigmaRel, nFrames: kF };
}

/**
 * Keep (in place) the 8-connected components of a dark-feature mask that look like Li-filled
 * cracks present at the start, clear the others:
 *  - dendrites: reaching within `touchBandPx` of the interface and at least `minDepthPx` deep
 *    into the crystal (not the dark notches of a ragged electrode edge);
 *  - isolated Li (inclusions): elongated, with a second-moment axis ratio √(λ₁/λ₂) ≥
 *    `crackElongation` (a crack of length L and width W gives about L/W; a grain, a disc or a
 *    sparse network of grains about 1), and dark: peak darkening ≥ `minContrastRel` (a faint
 *    polishing scratch is elongated too, but static: left in the background it is subtracted
 *    exactly, and a dendrite crossing it is not merged with it).
 * `darkRel` is each pixel's darkening of the median below the pristine level. Returns the
 * number of pixels kept.
 */
export function keepCrackLike(
  cv: Cv, dark: Uint8Array, darkRel: Float32Array, cw: number, ch: number, ifaceV: Float32Array,
  opts: { crackElongation: number; touchBandPx: number; minDepthPx: number; minContrastRel: number },
): number {
  const src = cv.matFromArray(ch, cw, cv.CV_8UC1, dark);
  const labels = new cv.Mat(), stats = new cv.Mat(), cents = new cv.Mat();
  const n: number = cv.connectedComponentsWithStats(src, labels, stats, cents, 8, cv.CV_32S);
  const st = stats.data32S as Int32Array, lab = labels.data32S as Int32Array;
  const touches = new Uint8Array(n), depth = new Float32Array(n), peak = new Float32Array(n);
  // second moments about the bounding-box corner (numerically safe for any image size)
  const m = new Float64Array(n * 5);
  for (let v = 0; v < ch; v++) {
    const row = v * cw;
    for (let u = 0; u < cw; u++) {
      const l = lab[row + u];
      if (!l) continue;
      if (v <= ifaceV[u] + opts.touchBandPx) touches[l] = 1;
      depth[l] = Math.max(depth[l], v - ifaceV[u]);
      peak[l] = Math.max(peak[l], darkRel[row + u]);
      const x = u - st[l * 5], y = v - st[l * 5 + 1];
      const o = l * 5;
      m[o] += x; m[o + 1] += y; m[o + 2] += x * x; m[o + 3] += y * y; m[o + 4] += x * y;
    }
  }
  const keep = new Uint8Array(n);
  const e2 = opts.crackElongation * opts.crackElongation;
  for (let l = 1; l < n; l++) {
    if (touches[l]) {
      keep[l] = depth[l] >= opts.minDepthPx ? 1 : 0;
      continue;
    }
    const a = st[l * 5 + 4], o = l * 5;
    if (a < 3 || peak[l] < opts.minContrastRel) continue;
    const mx = m[o] / a, my = m[o + 1] / a;
    const sxx = m[o + 2] / a - mx * mx + 1 / 12, syy = m[o + 3] / a - my * my + 1 / 12, sxy = m[o + 4] / a - mx * my;
    const tr = sxx + syy, det = sxx * syy - sxy * sxy;
    const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
    const l1 = tr / 2 + disc, l2 = Math.max(1e-9, tr / 2 - disc);
    if (l1 / l2 >= e2) keep[l] = 1;
  }
  let kept = 0;
  for (let i = 0; i < dark.length; i++) {
    if (dark[i] && !keep[lab[i]]) dark[i] = 0;
    else if (dark[i]) kept++;
  }
  for (const q of [src, labels, stats, cents]) q.delete();
  return kept;
}

/** Binary dilation by a square of half-width r (separable max). */
export function dilateBinary(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const tmp = new Uint8Array(mask.length);
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (!mask[row + x]) continue;
      const a = Math.max(0, x - r), b = Math.min(w - 1, x + r);
      for (let xx = a; xx <= b; xx++) tmp[row + xx] = 1;
    }
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if (!tmp[row + x]) continue;
      const a = Math.max(0, y - r), b = Math.min(h - 1, y + r);
      for (let yy = a; yy <= b; yy++) out[yy * w + x] = 1;
    }
  }
  return out;
}

