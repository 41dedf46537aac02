/**
 * Small raster helpers of the register stage: block-average downsampling, a separable
 * Gaussian blur of a rectangle, a Hann window and quickselect. Row-major, gray levels.
 */

/** A rectangle of pixels [x0, x1) × [y0, y1). */
export interface RectPx {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Gray image of any numeric element type. */
export type GrayImage = Uint8Array | Float32Array | Float64Array;

/**
 * Block-average downsampling by an integer factor f: output pixel (i, j) is the mean of the
 * f×f block starting at (f·i, f·j); output size floor(W/f) × floor(H/f).
 */
export function downsampleBlocks(src: GrayImage, width: number, height: number, f: number): { data: Float64Array; width: number; height: number } {
  const w = Math.floor(width / f);
  const h = Math.floor(height / f);
  const out = new Float64Array(w * h);
  if (f === 1) {
    for (let i = 0; i < w * h; i++) out[i] = src[i];
    return { data: out, width: w, height: h };
  }
  const inv = 1 / (f * f);
  for (let j = 0; j < h; j++) {
    for (let y = j * f; y < (j + 1) * f; y++) {
      const row = y * width;
      for (let i = 0; i < w; i++) {
        let s = 0;
        const x0 = row + i * f;
        for (let k = 0; k < f; k++) s += src[x0 + k];
        out[j * w + i] += s;
      }
    }
  }
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return { data: out, width: w, height: h };
}

/**
 * Normalised 1-D Gaussian kernel of standard deviation sigma [px], radius round(2.5σ) ≥ 1
 * (truncation drops ≈ 1 % of the mass, restored by normalising).
 */
export function gaussianKernel(sigmaPx: number): Float64Array {
  const r = Math.max(1, Math.round(2.5 * sigmaPx));
  const k = new Float64Array(2 * r + 1);
  let s = 0;
  for (let i = -r; i <= r; i++) s += k[i + r] = Math.exp((-i * i) / (2 * sigmaPx * sigmaPx));
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/**
 * Separable Gaussian blur of the rectangle `rect` of an image; pixels outside the image are
 * the nearest edge pixel (pixels outside the rectangle but inside the image are used as they
 * are). Returns a Float32Array of (x1−x0)·(y1−y0) values, row-major. sigmaPx = 0 copies.
 */
export function blurRect(src: GrayImage, width: number, height: number, rect: RectPx, sigmaPx: number): Float32Array {
  const rw = rect.x1 - rect.x0;
  const rh = rect.y1 - rect.y0;
  const out = new Float32Array(rw * rh);
  const k = sigmaPx > 0 ? gaussianKernel(sigmaPx) : Float64Array.of(1);
  const r = (k.length - 1) >> 1;
  const nk = k.length;
  // Horizontal pass over the rows the rectangle needs (edge-replicated), into tmp; then vertical.
  const tw = rw + 2 * r;
  const row = new Float64Array(tw);
  const th = rh + 2 * r;
  const tmp = new Float32Array(th * rw);
  for (let t = 0; t < th; t++) {
    const yy = Math.min(height - 1, Math.max(0, rect.y0 - r + t)) * width;
    for (let i = 0; i < tw; i++) row[i] = src[yy + Math.min(width - 1, Math.max(0, rect.x0 - r + i))];
    const o = t * rw;
    for (let x = 0; x < rw; x++) {
      let s = 0;
      for (let i = 0; i < nk; i++) s += k[i] * row[x + i];
      tmp[o + x] = s;
    }
  }
  for (let y = 0; y < rh; y++) {
    const o = y * rw;
    for (let x = 0; x < rw; x++) {
      let s = 0;
      for (let i = 0, q = o + x; i < nk; i++, q += rw) s += k[i] * tmp[q];
      out[o + x] = s;
    }
  }
  return out;
}

/** Periodic-free Hann window of n samples: w_i = sin²(π (i + ½) / n), never exactly 0. */
export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = Math.sin((Math.PI * (i + 0.5)) / n);
    w[i] = s * s;
  }
  return w;
}

export { quickselect, medianInPlace } from '../core/quantile.js';
