/**
 * Small dense linear algebra for the fitter (p ≤ ~20 parameters): normal matrices, Cholesky
 * solves and a symmetric eigen-decomposition (cyclic Jacobi) used for pseudo-inverses and
 * condition numbers. Matrices are row-major Float64Array of size n·n.
 */

/** JᵀJ (p×p, row-major) and Jᵀr (p) for a row-major Jacobian J (m×p) and residuals r (m). */
export function normalEquations(jac: Float64Array, r: Float64Array, m: number, p: number): { jtj: Float64Array; jtr: Float64Array } {
  const jtj = new Float64Array(p * p);
  const jtr = new Float64Array(p);
  for (let i = 0; i < m; i++) {
    const row = i * p;
    const ri = r[i];
    for (let a = 0; a < p; a++) {
      const ja = jac[row + a];
      if (ja === 0) continue;
      jtr[a] += ja * ri;
      for (let b = a; b < p; b++) jtj[a * p + b] += ja * jac[row + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) jtj[a * p + b] = jtj[b * p + a];
  return { jtj, jtr };
}

/**
 * Solve A x = b for symmetric positive-definite A (n×n) by Cholesky.
 * @returns x, or null when A is not numerically positive definite
 */
export function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Eigen-decomposition of a symmetric matrix: values ascending, vectors as columns (row-major n×n). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/** Cyclic Jacobi eigen-decomposition of a symmetric n×n matrix (robust for small n). */
export function symmetricEigen(a: Float64Array, n: number): SymmetricEigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += m[i * n + i] * m[i * n + i];
      for (let j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric positive semi-definite matrix; eigenvalues below
 * `relTol`·λ_max are treated as zero.
 */
export function symmetricPseudoInverse(a: Float64Array, n: number, relTol = 1e-14): { inverse: Float64Array; rank: number; conditionNumber: number } {
  const { values, vectors } = symmetricEigen(a, n);
  const lmax = n > 0 ? Math.max(...values) : 0;
  const lmin = n > 0 ? Math.min(...values) : 0;
  const inv = new Float64Array(n * n);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    if (!(values[k] > relTol * lmax)) continue;
    rank += 1;
    const w = 1 / values[k];
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * w;
      for (let j = 0; j < n; j++) inv[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return { inverse: inv, rank, conditionNumber: lmin > 0 ? lmax / lmin : Number.POSITIVE_INFINITY };
}
