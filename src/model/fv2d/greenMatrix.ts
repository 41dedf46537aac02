import type { Fv2dGrid } from './grid.js';

/**
 * Dense block G = (K0⁻¹)_SS of the inverse crack-free FV operator (see FastPoissonSolver) on a
 * set S of cells: G[s·n + t] = potential [V] at cell t for a unit source [A/m] at cell s.
 *
 * Computed semi-analytically without any full-grid transform: the x direction is expanded in
 * the DCT-II eigenvectors (the source's coefficients are cosines), each x mode leaves a
 * tridiagonal system in y that is solved by a pre-factored Thomas sweep started at the source
 * row, and the result is summed back over the modes only at the target cells. Cost per source
 * O(nx·(ny + |S|)) instead of a full O(N log N) solve.
 * @param grid FV grid
 * @param sigmaSPerM σ [S/m]
 * @param cells linear indices of S (any order, no duplicates)
 */
export function greenMatrix(grid: Fv2dGrid, sigmaSPerM: number, cells: ArrayLike<number>): Float64Array {
  const { nx, ny } = grid;
  const n = cells.length;
  const ci = new Int32Array(n);
  const cj = new Int32Array(n);
  let jMin = ny;
  for (let s = 0; s < n; s++) {
    ci[s] = cells[s] % nx;
    cj[s] = (cells[s] - ci[s]) / nx;
    if (cj[s] < jMin) jMin = cj[s];
  }
  // Thomas pivots per x mode: invM[k·ny + j] = 1/m_j for M_k = λx_k + T_y (T_y has 3 on the ends)
  const invM = new Float64Array(nx * ny);
  for (let k = 0; k < nx; k++) {
    const lx = 2 - 2 * Math.cos((Math.PI * k) / nx);
    let cPrev = 0; // −c'_{j−1}
    for (let j = 0; j < ny; j++) {
      const diag = lx + (j === 0 || j === ny - 1 ? 3 : 2);
      const m = diag - cPrev;
      invM[k * ny + j] = 1 / m;
      cPrev = 1 / m;
    }
  }
  // cosine table at the S columns, including the inverse-DCT weights (1/nx, 2/nx)
  const uniqI = Array.from(new Set(Array.from(ci))).sort((a, b) => a - b);
  const slotOfI = new Map<number, number>();
  uniqI.forEach((i, q) => slotOfI.set(i, q));
  const cosT = new Float64Array(uniqI.length * nx);
  for (let q = 0; q < uniqI.length; q++) {
    for (let k = 0; k < nx; k++) cosT[q * nx + k] = Math.cos((Math.PI * k * (uniqI[q] + 0.5)) / nx);
  }
  const tSlot = Int32Array.from(ci, (i) => slotOfI.get(i)!);
  const g = new Float64Array(n * n);
  const yk = new Float64Array(ny); // Thomas work for one mode
  const modeVals = new Float64Array(nx * ny); // ĝ_k(j) for rows jMin..ny−1, mode-major
  const w0 = 1 / nx;
  const w1 = 2 / nx;
  for (let s = 0; s < n; s++) {
    const js = cj[s];
    const cs = cosT.subarray(tSlot[s] * nx, tSlot[s] * nx + nx);
    for (let k = 0; k < nx; k++) {
      const inv = invM.subarray(k * ny, k * ny + ny);
      // forward sweep: d'_j = 0 below js, d'_js = r/m_js, d'_j = d'_{j−1}/m_j above
      let d = cs[k] * inv[js];
      yk[js] = d;
      for (let j = js + 1; j < ny; j++) {
        d *= inv[j];
        yk[j] = d;
      }
      for (let j = jMin; j < js; j++) yk[j] = 0;
      // back substitution x_j = d'_j + x_{j+1}/m_j
      let x = yk[ny - 1];
      const base = k * ny;
      modeVals[base + ny - 1] = x;
      for (let j = ny - 2; j >= jMin; j--) {
        x = yk[j] + x * inv[j];
        modeVals[base + j] = x;
      }
    }
    const row = s * n;
    for (let t = 0; t < n; t++) {
      const ct = cosT.subarray(tSlot[t] * nx, tSlot[t] * nx + nx);
      const jt = cj[t];
      let acc = w0 * ct[0] * modeVals[jt];
      for (let k = 1; k < nx; k++) acc += w1 * ct[k] * modeVals[k * ny + jt];
      g[row + t] = acc / sigmaSPerM;
    }
  }
  return g;
}
