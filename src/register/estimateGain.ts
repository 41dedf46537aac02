/**
 * Global illumination gain (lamp flicker) of a frame against the reference: the median of
 * frame/reference over usable pixels. The median ignores cracks and dust that changed
 * (a minority of pixels) and is unbiased by symmetric sensor noise in the frame. Call it on a
 * frame already registered to the reference (registerFrame does), or the drift shows up as
 * spread around the edges of features (harmless to the median, but wasteful).
 */
import { medianInPlace, type GrayImage } from './imageOps.js';

/** Options of estimateGain. */
export interface GainOptions {
  /** 1 = usable pixel, 0 = ignore (reference coordinates). */
  mask?: Uint8Array;
  /** Reference pixels darker than this [gray levels] are ignored (ratio too noisy). Default 16. */
  minReference?: number;
  /** Pixels this close to the border are ignored [px] (e.g. the strip replicated by shiftImage). Default 0. */
  borderPx?: number;
}

/**
 * Gain g with frame ≈ g · reference (dimensionless; 1 = no flicker).
 * @returns NaN when no pixel is usable
 */
export function estimateGain(reference: GrayImage, frame: GrayImage, width: number, height: number, opts: GainOptions = {}): number {
  if (reference.length !== width * height || frame.length !== width * height) throw new RangeError(`estimateGain: images must hold ${width}×${height} pixels`);
  const minRef = opts.minReference ?? 16;
  const b = Math.max(0, Math.ceil(opts.borderPx ?? 0));
  const mask = opts.mask;
  // A regular grid of ≤ ≈ 20 000 pixels: with 5 % per-pixel noise the median's standard error
  // is then ≈ 0.05 %, far below the 1–5 % flicker it measures.
  const stride = Math.max(1, Math.ceil(Math.sqrt((width * height) / 20_000)));
  const buf = new Float64Array(Math.ceil(width / stride) * Math.ceil(height / stride));
  let n = 0;
  for (let y = b; y < height - b; y += stride) {
    for (let x = b; x < width - b; x += stride) {
      const i = y * width + x;
      if (mask && !mask[i]) continue;
      const r = reference[i];
      if (!(r >= minRef)) continue;
      buf[n++] = frame[i] / r;
    }
  }
  return medianInPlace(buf, n);
}
