/**
 * A wide separable Gaussian blur (border replicated, as cv.GaussianBlur with BORDER_REPLICATE)
 * evaluated only where its result is read. The reference needs a σ ≈ 10 px blur (63 taps) at a
 * sparse grid of sample points and at the few pixels of the cracks it fills; blurring whole
 * 1080p frames for that cost ~0.3 s per blur in OpenCV.js.
 */
import { gaussAtPoints } from './refScan.js';

/** Normalised 1-D Gaussian kernel of odd size `ks` and standard deviation σ (as cv.getGaussianKernel for σ > 0). */
export function gaussianKernel(ks: number, sigma: number): Float64Array {
  const k = new Float64Array(ks);
  const c = (ks - 1) / 2;
  let s = 0;
  for (let i = 0; i < ks; i++) s += k[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < ks; i++) k[i] /= s;
  return k;
}

/**
 * The Gaussian blur (kernel `kern` along both axes, border replicated) of a w×h image at the
 * points (us[i], vs[i]). Rows are blurred horizontally once per needed (row, column) pair: the
 * columns of all points, over the rows within reach of any point; then vertically at the points.
 * Each sum runs over the taps in order (the same doubles as the direct separable definition).
 * On WebAssembly (refScan.wat): it runs once per recording, at its start.
 */
export function gaussianAtPoints(img: ArrayLike<number>, w: number, h: number, kern: Float64Array, us: Int32Array, vs: Int32Array): Float64Array {
  const typed = img instanceof Uint8Array || img instanceof Float32Array || img instanceof Float64Array ? img : Float64Array.from(img);
  return gaussAtPoints(typed, w, h, kern, us, vs);
}
