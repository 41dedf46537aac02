/**
 * Mixed-radix complex FFT (Stockham autosort) for any length n ≥ 1.
 *
 * Radices 4 and 2 have hand-written butterflies; every other prime factor uses a generic
 * O(p²) butterfly, so the cost is O(n·Σp) — O(n log n) for the smooth lengths (2^a·3^b·5^c)
 * that FV grids use (e.g. 200, 400, 800, 1600). A length with a large prime factor still
 * works, only slower.
 */
export interface FftPlan {
  readonly n: number;
  /** In-place forward DFT X_k = Σ x_j e^{−2πi jk/n} on split real/imaginary arrays. */
  forward(re: Float64Array, im: Float64Array): void;
  /** In-place inverse DFT including the 1/n factor. */
  inverse(re: Float64Array, im: Float64Array): void;
}

function factorize(n: number): number[] {
  const f: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    f.push(4);
    m /= 4;
  }
  while (m % 2 === 0) {
    f.push(2);
    m /= 2;
  }
  for (let p = 3; p * p <= m; p += 2) {
    while (m % p === 0) {
      f.push(p);
      m /= p;
    }
  }
  if (m > 1) f.push(m);
  return f;
}

/**
 * Build an FFT plan for length n (twiddle table and scratch buffers are owned by the plan,
 * so a plan must not be used re-entrantly).
 */
export function createFftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  const radices = factorize(n);
  const cosT = new Float64Array(n);
  const sinT = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    cosT[t] = Math.cos((2 * Math.PI * t) / n);
    sinT[t] = -Math.sin((2 * Math.PI * t) / n);
  }
  const bufRe = new Float64Array(n);
  const bufIm = new Float64Array(n);
  const maxP = Math.max(1, ...radices);
  const vRe = new Float64Array(maxP);
  const vIm = new Float64Array(maxP);
  const wRe = new Float64Array(maxP);
  const wIm = new Float64Array(maxP);

  function run(re: Float64Array, im: Float64Array): void {
    let srcRe: Float64Array = re;
    let srcIm: Float64Array = im;
    let dstRe: Float64Array = bufRe;
    let dstIm: Float64Array = bufIm;
    let ns = 1;
    for (const r of radices) {
      const m = n / r; // butterflies per stage
      const twStep = n / (ns * r);
      for (let j = 0; j < m; j++) {
        const jm = j % ns;
        const outBase = (j - jm) * r + jm;
        if (r === 2) {
          const aRe = srcRe[j];
          const aIm = srcIm[j];
          let bRe = srcRe[j + m];
          let bIm = srcIm[j + m];
          if (jm !== 0) {
            const t = jm * twStep;
            const c = cosT[t];
            const s = sinT[t];
            const x = bRe * c - bIm * s;
            bIm = bRe * s + bIm * c;
            bRe = x;
          }
          dstRe[outBase] = aRe + bRe;
          dstIm[outBase] = aIm + bIm;
          dstRe[outBase + ns] = aRe - bRe;
          dstIm[outBase + ns] = aIm - bIm;
        } else if (r === 4) {
          const x0r = srcRe[j];
          const x0i = srcIm[j];
          let x1r = srcRe[j + m];
          let x1i = srcIm[j + m];
          let x2r = srcRe[j + 2 * m];
          let x2i = srcIm[j + 2 * m];
          let x3r = srcRe[j + 3 * m];
          let x3i = srcIm[j + 3 * m];
          if (jm !== 0) {
            const t1 = jm * twStep;
            let c = cosT[t1];
            let s = sinT[t1];
            let x = x1r * c - x1i * s;
            x1i = x1r * s + x1i * c;
            x1r = x;
            const t2 = (2 * t1) % n;
            c = cosT[t2];
            s = sinT[t2];
            x = x2r * c - x2i * s;
            x2i = x2r * s + x2i * c;
            x2r = x;
            const t3 = (3 * t1) % n;
            c = cosT[t3];
            s = sinT[t3];
            x = x3r * c - x3i * s;
            x3i = x3r * s + x3i * c;
            x3r = x;
          }
          const a0r = x0r + x2r;
          const a0i = x0i + x2i;
          const a1r = x0r - x2r;
          const a1i = x0i - x2i;
          const b0r = x1r + x3r;
          const b0i = x1i + x3i;
          // −i·(x1 − x3) for the forward transform
          const b1r = x1i - x3i;
          const b1i = -(x1r - x3r);
          dstRe[outBase] = a0r + b0r;
          dstIm[outBase] = a0i + b0i;
          dstRe[outBase + ns] = a1r + b1r;
          dstIm[outBase + ns] = a1i + b1i;
          dstRe[outBase + 2 * ns] = a0r - b0r;
          dstIm[outBase + 2 * ns] = a0i - b0i;
          dstRe[outBase + 3 * ns] = a1r - b1r;
          dstIm[outBase + 3 * ns] = a1i - b1i;
        } else {
          for (let q = 0; q < r; q++) {
            let xr = srcRe[j + q * m];
            let xi = srcIm[j + q * m];
            if (jm !== 0 && q !== 0) {
              const t = (jm * twStep * q) % n;
              const c = cosT[t];
              const s = sinT[t];
              const x = xr * c - xi * s;
              xi = xr * s + xi * c;
              xr = x;
            }
            vRe[q] = xr;
            vIm[q] = xi;
          }
          const base = n / r;
          for (let k = 0; k < r; k++) {
            let sr = 0;
            let si = 0;
            for (let q = 0; q < r; q++) {
              const t = ((k * q) % r) * base;
              const c = cosT[t];
              const s = sinT[t];
              sr += vRe[q] * c - vIm[q] * s;
              si += vRe[q] * s + vIm[q] * c;
            }
            wRe[k] = sr;
            wIm[k] = si;
          }
          for (let k = 0; k < r; k++) {
            dstRe[outBase + k * ns] = wRe[k];
            dstIm[outBase + k * ns] = wIm[k];
          }
        }
      }
      const tr = srcRe;
      const ti = srcIm;
      srcRe = dstRe;
      srcIm = dstIm;
      dstRe = tr;
      dstIm = ti;
      ns *= r;
    }
    if (srcRe !== re) {
      re.set(srcRe);
      im.set(srcIm);
    }
  }

  return {
    n,
    forward(re, im) {
      run(re, im);
    },
    inverse(re, im) {
      for (let i = 0; i < n; i++) im[i] = -im[i];
      run(re, im);
      const s = 1 / n;
      for (let i = 0; i < n; i++) {
        re[i] *= s;
        im[i] = -im[i] * s;
      }
    },
  };
}
