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
  /** 1/(σ(λx_k + λy_m)) at index k·ny + m (column-major, as the transposed data). */
  private readonly invEigT: Float64Array;
  private readonly scratch: Float64Array;

  constructor(grid: Fv2dGrid, sigmaSPerM: number) {
    this.grid = grid;
    this.sigmaSPerM = sigmaSPerM;
    const { nx, ny } = grid;
    this.tx = new TrigTransform(nx);
    this.ty = new TrigTransform(ny);
    this.invEigT = new Float64Array(nx * ny);
    for (let m = 0; m < ny; m++) {
      const ly = 2 - 2 * Math.cos((Math.PI * (m + 1)) / ny);
      for (let k = 0; k < nx; k++) {
        const lx = 2 - 2 * Math.cos((Math.PI * k) / nx);
        this.invEigT[k * ny + m] = 1 / (sigmaSPerM * (lx + ly));
      }
    }
    this.scratch = new Float64Array(nx * ny);
  }

  /**
   * out = K0⁻¹ b. `out` may alias `b`.
   * @param b cell sources [A/m]
   * @param out potentials [V]
   */
  solve(b: Float64Array, out: Float64Array = new Float64Array(b.length)): Float64Array {
    const { nx, ny } = this.grid;
    if (out !== b) out.set(b);
    const { tx, ty, invEigT } = this;
    // 1. DCT-II along x, two rows per FFT
    for (let j = 0; j < ny; j += 2) {
      const two = j + 1 < ny;
      tx.dct2(out.subarray(j * nx, (j + 1) * nx), two ? out.subarray((j + 1) * nx, (j + 2) * nx) : undefined);
    }
    // 2. transpose (blocked) so that columns are contiguous, DST-II along y, divide by the
    //    eigenvalues, inverse DST-II, transpose back; two columns per FFT
    const tr = this.scratch;
    transposeInto(out, tr, ny, nx);
    for (let i = 0; i < nx; i += 2) {
      const two = i + 1 < nx;
      const a = tr.subarray(i * ny, (i + 1) * ny);
      const b = two ? tr.subarray((i + 1) * ny, (i + 2) * ny) : undefined;
      ty.dst2(a, b);
      const ea = invEigT.subarray(i * ny, (i + 1) * ny);
      for (let m = 0; m < ny; m++) a[m] *= ea[m];
      if (b) {
        const eb = invEigT.subarray((i + 1) * ny, (i + 2) * ny);
        for (let m = 0; m < ny; m++) b[m] *= eb[m];
      }
      ty.idst2(a, b);
    }
    transposeInto(tr, out, nx, ny);
    // 3. inverse DCT-II along x
    for (let j = 0; j < ny; j += 2) {
      const two = j + 1 < ny;
      tx.idct2(out.subarray(j * nx, (j + 1) * nx), two ? out.subarray((j + 1) * nx, (j + 2) * nx) : undefined);
    }
    return out;
  }

  /** out = K0·x (net current leaving each cell for potentials x, electrodes at 0 V). */
  apply(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
    return applyCrackFreeOperator(this.grid, this.sigmaSPerM, x, out);
  }
}

/** dst[c·rows + r] = src[r·cols + c], in 32×32 blocks. */
function transposeInto(src: Float64Array, dst: Float64Array, rows: number, cols: number): void {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) dst[c * rows + r] = src[base + c];
      }
    }
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
