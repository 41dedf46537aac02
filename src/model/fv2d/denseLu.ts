/**
 * In-place LU factorisation with partial pivoting of a dense row-major n×n matrix, then
 * solve for one right-hand side. Throws if the matrix is singular to working precision.
 * @param a matrix (overwritten by its LU factors)
 * @param n order
 * @param b right-hand side (overwritten by the solution)
 */
export function luSolveInPlace(a: Float64Array, n: number, b: Float64Array): Float64Array {
  const piv = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(a[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0 || !Number.isFinite(best)) throw new Error(`luSolveInPlace: singular matrix at column ${k}`);
    piv[k] = p;
    if (p !== k) {
      for (let c = 0; c < n; c++) {
        const t = a[k * n + c];
        a[k * n + c] = a[p * n + c];
        a[p * n + c] = t;
      }
      const t = b[k];
      b[k] = b[p];
      b[p] = t;
    }
    const inv = 1 / a[k * n + k];
    const rowK = k * n;
    for (let i = k + 1; i < n; i++) {
      const rowI = i * n;
      const l = a[rowI + k] * inv;
      if (l === 0) continue;
      a[rowI + k] = l;
      for (let c = k + 1; c < n; c++) a[rowI + c] -= l * a[rowK + c];
      b[i] -= l * b[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    const row = i * n;
    for (let c = i + 1; c < n; c++) s -= a[row + c] * b[c];
    b[i] = s / a[row + i];
  }
  return b;
}
