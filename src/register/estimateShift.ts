/**
 * One-shot drift estimate (prepares the reference on every call; for a video use
 * ShiftEstimator or DriftTracker, which prepare it once).
 */
import type { GrayImage } from './imageOps.js';
import { ShiftEstimator, type ShiftEstimate, type ShiftOptions } from './ShiftEstimator.js';

/**
 * Sub-pixel translation of `frame` relative to `reference` (phase correlation, then robust
 * Lucas–Kanade refinement; see ShiftEstimator).
 * Convention: frame(x, y) ≈ reference(x − dxPx, y − dyPx).
 * @param mask 1 = usable pixel (crystal without cracks), reference coordinates
 */
export function estimateShift(
  reference: GrayImage,
  frame: GrayImage,
  width: number,
  height: number,
  opts: ShiftOptions & { mask?: Uint8Array } = {},
): ShiftEstimate {
  const { mask, ...o } = opts;
  return new ShiftEstimator(reference, width, height, o).estimate(frame, { mask });
}
