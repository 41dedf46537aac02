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
  const out = new Float64Array(us.length);
  // Each needed row is first copied into a Float64Array padded by r replicated pixels on both
  // sides: the tap loop then has no border test, and it reads one array type whatever the
  // image's (a Uint8Array here, a Float32Array there would make it polymorphic, and ~2× slower).
  // The values and the order of the products and sums are unchanged.
  const pad = new Float64Array(w + 2 * r);
  const isView = ArrayBuffer.isView(img);
  for (let v = 0; v < h; v++) {
    if (!rowNeeded[v]) continue;
    const row = v * w, hrow = v * nc;
    if (isView) pad.set((img as unknown as Float64Array).subarray(row, row + w), r);
    else for (let x = 0; x < w; x++) pad[r + x] = img[row + x];
    pad.fill(pad[r], 0, r);
    pad.fill(pad[r + w - 1], r + w);
    // pad[u + t] = img[v, clamp(u − r + t)]. Four columns at a time: four independent sums,
    // each in its own unchanged order, overlap in the FPU (a single sum waits on each addition).
    let c = 0;
    for (; c + 3 < nc; c += 4) {
      const u0 = cols[c], u1 = cols[c + 1], u2 = cols[c + 2], u3 = cols[c + 3];
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let t = 0; t <= 2 * r; t++) {
        const kt = kern[t];
        s0 += kt * pad[u0 + t];
        s1 += kt * pad[u1 + t];
        s2 += kt * pad[u2 + t];
        s3 += kt * pad[u3 + t];
      }
      H[hrow + c] = s0; H[hrow + c + 1] = s1; H[hrow + c + 2] = s2; H[hrow + c + 3] = s3;
    }
    for (; c < nc; c++) {
      const u = cols[c];
      let s = 0;
      for (let t = 0; t <= 2 * r; t++) s += kern[t] * pad[u + t];
      H[hrow + c] = s;
    }
  }
  verticalPass(H, nc, h, kern, colSlot, us, vs, out);
  return out;
}

/**
 * The vertical pass of gaussianAtPoints at the points, from the horizontal pass H (row-major, nc
 * columns). Its own function: in gaussianAtPoints, the row loop's compiled code was thrown away
 * on reaching it (no feedback yet), and it then ran interpreted (the reference's first frames).
 */
function verticalPass(H: Float64Array, nc: number, h: number, kern: Float64Array, colSlot: Int32Array, us: Int32Array, vs: Int32Array, out: Float64Array): void {
  const r = (kern.length - 1) >> 1;
  for (let i = 0; i < us.length; i++) {
    const c = colSlot[us[i]];
    let s = 0;
    for (let t = 0; t <= 2 * r; t++) s += kern[t] * H[Math.min(h - 1, Math.max(0, vs[i] - r + t)) * nc + c];
    out[i] = s;
  }
}
