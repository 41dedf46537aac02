import { createFftPlan, type FftPlan } from './fftPlan.js';

/**
 * Unnormalised DCT-II / DST-II of length n and their exact inverses, computed with one
 * complex FFT of length n per PAIR of real sequences (Makhoul's permutation, two real inputs
 * packed as real and imaginary parts), O(n log n).
 *
 * DCT-II: X_k = Σ_j x_j cos(π k (j + ½)/n),      k = 0..n−1 (eigenvectors of the cell-centred
 *         second difference with no-flux ends).
 * DST-II: S_k = Σ_j x_j sin(π (k + 1)(j + ½)/n), k = 0..n−1 (eigenvectors with Dirichlet values
 *         on the end faces).
 * The "inverse" methods undo these exactly (they are scaled DCT-III / DST-III).
 */
export class TrigTransform {
  readonly n: number;
  private readonly fft: FftPlan;
  private readonly c: Float64Array;
  private readonly s: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.fft = createFftPlan(n);
    this.c = new Float64Array(n);
    this.s = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.c[k] = Math.cos((Math.PI * k) / (2 * n));
      this.s[k] = Math.sin((Math.PI * k) / (2 * n));
    }
    this.zr = new Float64Array(n);
    this.zi = new Float64Array(n);
  }

  /** In-place DCT-II of a and (optionally) b. */
  dct2(a: Float64Array, b?: Float64Array): void {
    const { n, zr, zi, c, s } = this;
    const half = (n + 1) >> 1;
    for (let j = 0; j < half; j++) {
      zr[j] = a[2 * j];
      zi[j] = b ? b[2 * j] : 0;
    }
    for (let j = 0; j < n >> 1; j++) {
      zr[n - 1 - j] = a[2 * j + 1];
      zi[n - 1 - j] = b ? b[2 * j + 1] : 0;
    }
    this.fft.forward(zr, zi);
    for (let k = 0; k < n; k++) {
      const nk = k === 0 ? 0 : n - k;
      const vr = 0.5 * (zr[k] + zr[nk]);
      const vi = 0.5 * (zi[k] - zi[nk]);
      a[k] = c[k] * vr + s[k] * vi;
      if (b) {
        const wr = 0.5 * (zi[k] + zi[nk]);
        const wi = -0.5 * (zr[k] - zr[nk]);
        b[k] = c[k] * wr + s[k] * wi;
      }
    }
  }

  /** In-place inverse of dct2 for a and (optionally) b. */
  idct2(a: Float64Array, b?: Float64Array): void {
    const { n, zr, zi, c, s } = this;
    for (let k = 0; k < n; k++) {
      const xk = a[k];
      const xnk = k === 0 ? 0 : a[n - k];
      const vr = c[k] * xk + s[k] * xnk;
      const vi = s[k] * xk - c[k] * xnk;
      let wr = 0;
      let wi = 0;
      if (b) {
        const yk = b[k];
        const ynk = k === 0 ? 0 : b[n - k];
        wr = c[k] * yk + s[k] * ynk;
        wi = s[k] * yk - c[k] * ynk;
      }
      zr[k] = vr - wi;
      zi[k] = vi + wr;
    }
    this.fft.inverse(zr, zi);
    const half = (n + 1) >> 1;
    for (let j = 0; j < half; j++) {
      a[2 * j] = zr[j];
      if (b) b[2 * j] = zi[j];
    }
    for (let j = 0; j < n >> 1; j++) {
      a[2 * j + 1] = zr[n - 1 - j];
      if (b) b[2 * j + 1] = zi[n - 1 - j];
    }
  }

  /** In-place DST-II of a and (optionally) b (via DCT-II of the sign-alternated input, reversed). */
  dst2(a: Float64Array, b?: Float64Array): void {
    const n = this.n;
    for (let j = 1; j < n; j += 2) {
      a[j] = -a[j];
      if (b) b[j] = -b[j];
    }
    this.dct2(a, b);
    a.reverse();
    if (b) b.reverse();
  }

  /** In-place inverse of dst2. */
  idst2(a: Float64Array, b?: Float64Array): void {
    const n = this.n;
    a.reverse();
    if (b) b.reverse();
    this.idct2(a, b);
    for (let j = 1; j < n; j += 2) {
      a[j] = -a[j];
      if (b) b[j] = -b[j];
    }
  }
}
