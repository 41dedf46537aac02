/**
 * register — stage drift and illumination (flicker) correction against a reference frame.
 * Convention everywhere: frame(x, y) ≈ reference(x − dx, y − dy); a feature at p in the
 * reference appears at p + (dx, dy) in the frame; shiftImage(frame, …, dx, dy) undoes it.
 */
export { estimateShift } from './estimateShift.js';
export { ShiftEstimator, type ShiftEstimate, type ShiftOptions, type ShiftFrameOptions } from './ShiftEstimator.js';
export { shiftImage, shiftImageFloat } from './shiftImage.js';
export { estimateGain, type GainOptions } from './estimateGain.js';
export { registerFrame, type RegisteredFrame } from './registerFrame.js';
export { DriftTracker, type DriftSample, type DriftTrackerOptions, type DriftUpdate } from './DriftTracker.js';
export { fft1d, fft2d, isPowerOfTwo, nextPowerOfTwo } from './fft2d.js';
export type { GrayImage } from './imageOps.js';
