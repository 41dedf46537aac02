import type { Fv2dGrid } from './grid.js';
import { TrigTransform } from './trigTransform.js';

/**
 * Exact O(N log N) inverse of the crack-free FV operator K0 = σ·L0 on a uniform grid:
 * 5-point cell-centred stencil with conductance σ per interior face (per unit depth),
 * no-flux side walls (DCT-II eigenbasis in x) and homogeneous Dirichlet electrodes on the
 * faces y = 0 and y = d (conductance 2σ from the boundary cell; DST-II eigenbasis in y).
 *
 * (K0 φ)_k is the net current [A/m] leaving cell k; solve() returns φ [V] for sources b [A/m].
 */
export class FastPoissonSolver {
  readonly grid: Fv2dGrid;
  readonly sigmaSPerM: number;
  private readonly tx: TrigTransform;
  private readonly ty: TrigTransform;
  /** 1/(σ(λx_k + λy_m)) at index m·nx + k. */
  private readonly invEig: Float64Array;
  private readonly colA: Float64Array;
  private readonly colB: Float64Array;
  private readonly rowA: Float64Array;
  private readonly rowB: Float64Array;

  constructor(grid: Fv2dGrid, sigmaSPerM: number) {
    this.grid = grid;
    this.sigmaSPerM = sigmaSPerM;
    const { nx, ny } = grid;
    this.tx = new TrigTransform(nx);
    this.ty = new TrigTransform(ny);
    this.invEig = new Float64Array(nx * ny);
    for (let m = 0; m < ny; m++) {
      const ly = 2 - 2 * Math.cos((Math.PI * (m + 1)) / ny);
      for (let k = 0; k < nx; k++) {
        const lx = 2 - 2 * Math.cos((Math.PI * k) / nx);
        this.invEig[m * nx + k] = 1 / (sigmaSPerM * (lx + ly));
      }
    }
    this.colA = new Float64Array(ny);
    this.colB = new Float64Array(ny);
    this.rowA = new Float64Array(nx);
    this.rowB = new Float64Array(nx);
  }

  /**
   * out = K0⁻¹ b. `out` may alias `b`.
   * @param b cell sources [A/m]
   * @param out potentials [V]
   */
  solve(b: Float64Array, out: Float64Array = new Float64Array(b.length)): Float64Array {
    const { nx, ny } = this.grid;
    if (out !== b) out.set(b);
    const { rowA, rowB, colA, colB, tx, ty, invEig } = this;
    // 1. DCT-II along x, two rows per FFT
    for (let j = 0; j < ny; j += 2) {
      const two = j + 1 < ny;
      rowA.set(out.subarray(j * nx, (j + 1) * nx));
      if (two) rowB.set(out.subarray((j + 1) * nx, (j + 2) * nx));
      tx.dct2(rowA, two ? rowB : undefined);
      out.set(rowA, j * nx);
      if (two) out.set(rowB, (j + 1) * nx);
    }
    // 2. DST-II along y, divide by eigenvalues, inverse DST-II, two columns per FFT
    for (let i = 0; i < nx; i += 2) {
      const two = i + 1 < nx;
      for (let j = 0; j < ny; j++) {
        colA[j] = out[j * nx + i];
        if (two) colB[j] = out[j * nx + i + 1];
      }
      ty.dst2(colA, two ? colB : undefined);
      for (let m = 0; m < ny; m++) {
        colA[m] *= invEig[m * nx + i];
        if (two) colB[m] *= invEig[m * nx + i + 1];
      }
      ty.idst2(colA, two ? colB : undefined);
      for (let j = 0; j < ny; j++) {
        out[j * nx + i] = colA[j];
        if (two) out[j * nx + i + 1] = colB[j];
      }
    }
    // 3. inverse DCT-II along x
    for (let j = 0; j < ny; j += 2) {
      const two = j + 1 < ny;
      rowA.set(out.subarray(j * nx, (j + 1) * nx));
      if (two) rowB.set(out.subarray((j + 1) * nx, (j + 2) * nx));
      tx.idct2(rowA, two ? rowB : undefined);
      out.set(rowA, j * nx);
      if (two) out.set(rowB, (j + 1) * nx);
    }
    return out;
  }

  /** out = K0·x (net current leaving each cell for potentials x, electrodes at 0 V). */
  apply(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
    return applyCrackFreeOperator(this.grid, this.sigmaSPerM, x, out);
  }
}

/**
 * out = K0·x for the crack-free operator (see FastPoissonSolver), electrodes at 0 V.
 */
export function applyCrackFreeOperator(grid: Fv2dGrid, sigmaSPerM: number, x: Float64Array, out: Float64Array): Float64Array {
  const { nx, ny } = grid;
  const s = sigmaSPerM;
  for (let j = 0; j < ny; j++) {
    const row = j * nx;
    for (let i = 0; i < nx; i++) {
      const k = row + i;
      const xk = x[k];
      let acc = 0;
      if (i > 0) acc += xk - x[k - 1];
      if (i < nx - 1) acc += xk - x[k + 1];
      acc += j > 0 ? xk - x[k - nx] : 2 * xk;
      acc += j < ny - 1 ? xk - x[k + nx] : 2 * xk;
      out[k] = s * acc;
    }
  }
  return out;
}
