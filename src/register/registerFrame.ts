/**
 * Drift and flicker correction of one frame in one call: estimate the drift, move the frame
 * back onto the reference, measure the gain on the registered pixels, optionally divide it out.
 */
import { estimateGain } from './estimateGain.js';
import type { GrayImage } from './imageOps.js';
import { ShiftEstimator, type ShiftOptions } from './ShiftEstimator.js';
import { shiftImage } from './shiftImage.js';

/** Result of registerFrame. */
export interface RegisteredFrame {
  /** frame(x, y) ≈ reference(x − dxPx, y − dyPx) [px]. */
  dxPx: number;
  dyPx: number;
  /** Phase-correlation peak (0…1). */
  peak: number;
  /** frame ≈ gain · reference after registration (dimensionless). */
  gain: number;
  /** The registered (and, with normalizeGain, gain-normalised) frame: `out`. */
  registered: Uint8Array;
}

/**
 * @param reference reference image or a ShiftEstimator prepared on it (faster for videos)
 * @param out       receives the registered frame (width·height, not `frame`)
 */
export function registerFrame(
  reference: GrayImage,
  frame: Uint8Array,
  width: number,
  height: number,
  out: Uint8Array,
  opts: ShiftOptions & { mask?: Uint8Array; normalizeGain?: boolean; estimator?: ShiftEstimator } = {},
): RegisteredFrame {
  const { mask, normalizeGain = true, estimator, ...o } = opts;
  const est = (estimator ?? new ShiftEstimator(reference, width, height, o)).estimate(frame, { mask });
  shiftImage(frame, width, height, est.dxPx, est.dyPx, out);
  const gain = estimateGain(reference, out, width, height, { mask, borderPx: Math.max(Math.abs(est.dxPx), Math.abs(est.dyPx)) + 1 });
  if (normalizeGain && gain > 0 && Number.isFinite(gain)) {
    for (let i = 0; i < out.length; i++) {
      const v = Math.round(out[i] / gain);
      out[i] = v > 255 ? 255 : v;
    }
  }
  return { dxPx: est.dxPx, dyPx: est.dyPx, peak: est.peak, gain, registered: out };
}
