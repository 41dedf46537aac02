/**
 * Mixed-radix complex FFT (Stockham autosort) for any length n ≥ 1.
 *
 * Radices 2, 3, 4 and 5 have hand-written butterflies; every other prime factor uses a generic
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

const S3 = Math.sin((2 * Math.PI) / 3);
const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

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
            const t2 = 2 * t1;
            c = cosT[t2];
            s = sinT[t2];
            x = x2r * c - x2i * s;
            x2i = x2r * s + x2i * c;
            x2r = x;
            const t3 = 3 * t1;
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
        } else if (r === 3 || r === 5) {
          for (let q = 0; q < r; q++) {
            let xr = srcRe[j + q * m];
            let xi = srcIm[j + q * m];
            if (jm !== 0 && q !== 0) {
              const t = jm * twStep * q;
              const c = cosT[t];
              const s = sinT[t];
              const x = xr * c - xi * s;
              xi = xr * s + xi * c;
              xr = x;
            }
            vRe[q] = xr;
            vIm[q] = xi;
          }
          if (r === 3) {
            const tr = vRe[1] + vRe[2];
            const ti = vIm[1] + vIm[2];
            const ar = vRe[0] - 0.5 * tr;
            const ai = vIm[0] - 0.5 * ti;
            const br = S3 * (vRe[1] - vRe[2]);
            const bi = S3 * (vIm[1] - vIm[2]);
            dstRe[outBase] = vRe[0] + tr;
            dstIm[outBase] = vIm[0] + ti;
            dstRe[outBase + ns] = ar + bi;
            dstIm[outBase + ns] = ai - br;
            dstRe[outBase + 2 * ns] = ar - bi;
            dstIm[outBase + 2 * ns] = ai + br;
          } else {
            const t1r = vRe[1] + vRe[4];
            const t1i = vIm[1] + vIm[4];
            const t2r = vRe[2] + vRe[3];
            const t2i = vIm[2] + vIm[3];
            const t3r = vRe[1] - vRe[4];
            const t3i = vIm[1] - vIm[4];
            const t4r = vRe[2] - vRe[3];
            const t4i = vIm[2] - vIm[3];
            const a1r = vRe[0] + C51 * t1r + C52 * t2r;
            const a1i = vIm[0] + C51 * t1i + C52 * t2i;
            const a2r = vRe[0] + C52 * t1r + C51 * t2r;
            const a2i = vIm[0] + C52 * t1i + C51 * t2i;
            const b1r = S51 * t3r + S52 * t4r;
            const b1i = S51 * t3i + S52 * t4i;
            const b2r = S52 * t3r - S51 * t4r;
            const b2i = S52 * t3i - S51 * t4i;
            dstRe[outBase] = vRe[0] + t1r + t2r;
            dstIm[outBase] = vIm[0] + t1i + t2i;
            dstRe[outBase + ns] = a1r + b1i;
            dstIm[outBase + ns] = a1i - b1r;
            dstRe[outBase + 4 * ns] = a1r - b1i;
            dstIm[outBase + 4 * ns] = a1i + b1r;
            dstRe[outBase + 2 * ns] = a2r + b2i;
            dstIm[outBase + 2 * ns] = a2i - b2r;
            dstRe[outBase + 3 * ns] = a2r - b2i;
            dstIm[outBase + 3 * ns] = a2i + b2r;
          }
        } else {
          for (let q = 0; q < r; q++) {
            let xr = srcRe[j + q * m];
            let xi = srcIm[j + q * m];
            if (jm !== 0 && q !== 0) {
              const t = jm * twStep * q;
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
