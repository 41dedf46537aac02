/**
 * A wide separable Gaussian blur (border replicated, as cv.GaussianBlur with BORDER_REPLICATE)
 * evaluated only where its result is read. The reference needs a σ ≈ 10 px blur (63 taps) at a
 * sparse grid of sample points and at the few pixels of the cracks it fills; blurring whole
 * 1080p frames for that cost ~0.3 s per blur in OpenCV.js.
 */

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
 * points (us[i], vs[i]). Rows are blurred horizontally once per needed (row, column) pair:
 * the columns of all points, over the rows within reach of any point.
 */
export function gaussianAtPoints(img: ArrayLike<number>, w: number, h: number, kern: Float64Array, us: Int32Array, vs: Int32Array): Float64Array {
  const r = (kern.length - 1) >> 1;
  // distinct columns of the points, and their slot in the horizontal-pass table
  const colSlot = new Int32Array(w).fill(-1);
  const cols: number[] = [];
  for (let i = 0; i < us.length; i++) if (colSlot[us[i]] < 0) { colSlot[us[i]] = cols.length; cols.push(us[i]); }
  const nc = cols.length;
  // rows needed by the vertical pass (clamped: replicated border)
  const rowNeeded = new Uint8Array(h);
  for (let i = 0; i < vs.length; i++) for (let t = -r; t <= r; t++) rowNeeded[Math.min(h - 1, Math.max(0, vs[i] + t))] = 1;
  const H = new Float64Array(h * nc);
  for (let v = 0; v < h; v++) {
    if (!rowNeeded[v]) continue;
    const row = v * w, hrow = v * nc;
    for (let c = 0; c < nc; c++) {
      const u = cols[c];
      let s = 0;
      if (u - r >= 0 && u + r < w) for (let t = 0; t <= 2 * r; t++) s += kern[t] * img[row + u - r + t];
      else for (let t = 0; t <= 2 * r; t++) s += kern[t] * img[row + Math.min(w - 1, Math.max(0, u - r + t))];
      H[hrow + c] = s;
    }
  }
  const out = new Float64Array(us.length);
  for (let i = 0; i < us.length; i++) {
    const c = colSlot[us[i]];
    let s = 0;
    for (let t = 0; t <= 2 * r; t++) s += kern[t] * H[Math.min(h - 1, Math.max(0, vs[i] - r + t)) * nc + c];
    out[i] = s;
  }
  return out;
}
