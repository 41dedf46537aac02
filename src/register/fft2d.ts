/**
 * A small in-place radix-2 complex FFT (iterative Cooley–Tukey) and its 2-D form, over
 * separate real/imaginary Float64Arrays. OpenCV.js 4.5.2 has no `phaseCorrelate`, and a
 * JavaScript FFT avoids copying every frame into and out of the WebAssembly heap.
 * Sizes must be powers of two. Twiddles and bit-reversal tables are cached per size.
 */

interface FftPlan {
  n: number;
  rev: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

const plans = new Map<number, FftPlan>();

/** True when n is a power of two ≥ 1. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

function plan(n: number): FftPlan {
  let p = plans.get(n);
  if (p) return p;
  if (!isPowerOfTwo(n)) throw new RangeError(`FFT size must be a power of two; got ${n}`);
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/**
 * In-place 1-D FFT of `n` samples of (re, im) starting at `offset` with `stride`.
 * Forward: X_k = Σ x_j e^{−2πi jk/n}; inverse (inverse = true) uses e^{+2πi jk/n} and does
 * NOT divide by n.
 */
export function fft1d(re: Float64Array, im: Float64Array, n: number, inverse = false, offset = 0, stride = 1): void {
  const { rev, cos, sin } = plan(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = offset + i * stride, b = offset + j * stride;
      const tr = re[a]; re[a] = re[b]; re[b] = tr;
      const ti = im[a]; im[a] = im[b]; im[b] = ti;
    }
  }
  const sgn = inverse ? 1 : -1;
  if (stride === 1) {
    for (let size = 2; size <= n; size <<= 1) {
      const halfSize = size >> 1;
      const step = n / size;
      for (let start = offset; start < offset + n; start += size) {
        for (let k = 0, t = 0; k < halfSize; k++, t += step) {
          const wr = cos[t];
          const wi = sgn * sin[t];
          const a = start + k;
          const b = a + halfSize;
          const br = re[b], bi = im[b];
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          const ar = re[a], ai = im[a];
          re[b] = ar - xr; im[b] = ai - xi;
          re[a] = ar + xr; im[a] = ai + xi;
        }
      }
    }
    return;
  }
  for (let size = 2; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < halfSize; k++) {
        const wr = cos[k * step];
        const wi = sgn * sin[k * step];
        const a = offset + (start + k) * stride;
        const b = a + halfSize * stride;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr; im[b] = im[a] - xi;
        re[a] += xr; im[a] += xi;
      }
    }
  }
}

/**
 * In-place 2-D FFT of a row-major `nx × ny` complex array (both powers of two). The inverse
 * divides by nx·ny, so fft2d(…, true) undoes fft2d(…).
 */
export function fft2d(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse = false): void {
  for (let y = 0; y < ny; y++) fft1d(re, im, nx, inverse, y * nx, 1);
  // Columns: gather into a contiguous buffer (strided butterflies thrash the cache).
  const cr = new Float64Array(ny);
  const ci = new Float64Array(ny);
  for (let x = 0; x < nx; x++) {
    for (let y = 0, i = x; y < ny; y++, i += nx) { cr[y] = re[i]; ci[y] = im[i]; }
    fft1d(cr, ci, ny, inverse);
    for (let y = 0, i = x; y < ny; y++, i += nx) { re[i] = cr[y]; im[i] = ci[y]; }
  }
  if (inverse) {
    const s = 1 / (nx * ny);
    for (let i = 0; i < re.length; i++) { re[i] *= s; im[i] *= s; }
  }
}

/**
 * Forward 2-D FFT of a real row-major `nx × ny` image (powers of two): two rows at a time are
 * transformed as one complex row and separated by Hermitian symmetry, halving the row pass.
 * @returns the full complex spectrum (re, im), nx·ny each
 */
export function fft2dReal(src: Float64Array, nx: number, ny: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(nx * ny);
  const im = new Float64Array(nx * ny);
  const zr = new Float64Array(nx);
  const zi = new Float64Array(nx);
  for (let y = 0; y < ny; y += 2) {
    const o1 = y * nx;
    const o2 = o1 + nx;
    const has2 = y + 1 < ny;
    for (let x = 0; x < nx; x++) { zr[x] = src[o1 + x]; zi[x] = has2 ? src[o2 + x] : 0; }
    fft1d(zr, zi, nx);
    for (let k = 0; k < nx; k++) {
      const m = (nx - k) & (nx - 1);
      re[o1 + k] = 0.5 * (zr[k] + zr[m]);
      im[o1 + k] = 0.5 * (zi[k] - zi[m]);
      if (has2) {
        re[o2 + k] = 0.5 * (zi[k] + zi[m]);
        im[o2 + k] = -0.5 * (zr[k] - zr[m]);
      }
    }
  }
  columns(re, im, nx, ny, false);
  return { re, im };
}

/**
 * Inverse 2-D FFT of a spectrum whose inverse is real (Hermitian, as a cross-power spectrum of
 * two real images): columns first, then two rows at a time as one complex row.
 * Divides by nx·ny. @returns the real image, nx·ny
 */
export function ifft2dReal(re: Float64Array, im: Float64Array, nx: number, ny: number): Float64Array {
  columns(re, im, nx, ny, true);
  const out = new Float64Array(nx * ny);
  const zr = new Float64Array(nx);
  const zi = new Float64Array(nx);
  const s = 1 / (nx * ny);
  for (let y = 0; y < ny; y += 2) {
    const o1 = y * nx;
    const o2 = o1 + nx;
    const has2 = y + 1 < ny;
    for (let x = 0; x < nx; x++) {
      zr[x] = re[o1 + x] - (has2 ? im[o2 + x] : 0);
      zi[x] = im[o1 + x] + (has2 ? re[o2 + x] : 0);
    }
    fft1d(zr, zi, nx, true);
    for (let x = 0; x < nx; x++) {
      out[o1 + x] = zr[x] * s;
      if (has2) out[o2 + x] = zi[x] * s;
    }
  }
  return out;
}

function columns(re: Float64Array, im: Float64Array, nx: number, ny: number, inverse: boolean): void {
  const cr = new Float64Array(ny);
  const ci = new Float64Array(ny);
  for (let x = 0; x < nx; x++) {
    for (let y = 0, i = x; y < ny; y++, i += nx) { cr[y] = re[i]; ci[y] = im[i]; }
    fft1d(cr, ci, ny, inverse);
    for (let y = 0, i = x; y < ny; y++, i += nx) { re[i] = cr[y]; im[i] = ci[y]; }
  }
}
