/**
 * The tip model's per-pixel sums on WebAssembly (tipKernel.wat; used by tipModelFit.ts TipModel),
 * bit for bit the JavaScript loops they replaced (test/track/tipKernel.test.ts). Pointers are byte
 * offsets of f64 arrays in the memory the kernel is instantiated on.
 */
import { wasmKernel, type WasmMemory } from '../segment/wasmKernel.js';
import { TIP_KERNEL_WASM_BASE64 } from './tipKernelWasm.js';

export interface TipKernel {
  /**
   * One slice of evalF: normal3 at the column boundaries against the interval [uL, uR] (into nb, 6
   * per boundary) and at the row boundaries against the depth y (into na, 3 per boundary), the
   * slice's column records cb[4i …] and row records rb[3j …] from them, then accF.
   */
  sliceF(F: number, nc: number, nb: number, na: number, cb: number, rb: number, c0: number, iLo: number, iHi: number,
    r0: number, jLo: number, jHi: number, uL: number, uR: number, y: number, inv: number, sig: number, thick: number): void;
  /** F[j·nc + i] += rb[3j]·cb[4i] for jLo ≤ j ≤ jHi with rb[3j] ≠ 0, iLo ≤ i ≤ iHi. */
  accF(F: number, nc: number, iLo: number, iHi: number, jLo: number, jHi: number, cb: number, rb: number): void;
  /** cj[8i …] = [R + Lf, L, rA·R + lA·Lf, rB·R + lB·Lf, rC·R + lC·Lf, L, Ls, 0] from cb[4i …] = [L, R, Lf, Ls]. */
  colJac(cj: number, cb: number, iLo: number, iHi: number, rA: number, lA: number, rB: number, lB: number, rC: number, lC: number): void;
  /** jac[6(j·nc + i) + p] += the slice's row factor (rb[3j …] = [w, wy, ws]) × column factor (cj[8i …]), p = 0 … 5. */
  accJac(jac: number, nc: number, iLo: number, iHi: number, jLo: number, jHi: number, cj: number, rb: number): void;
  /** jac[6k + 2 … 4] += (yp0, yp1, yp2)·jac[6k + 1] for k < n where jac[6k + 1] ≠ 0. */
  finJac(jac: number, n: number, yp0: number, yp1: number, yp2: number): void;
  /**
   * The normal equations' sums over the nv fitted pixels (window index idx[k] (i32), model F there,
   * residual r[k], derivatives jac[6·idx[k] …]) into out (58 f64): [Σf, Σr, Σf², Σf·r, Σj (6),
   * Σf·j (6), Σr·j (6), Σj·jᵀ (36, row-major, the upper triangle written)].
   */
  normalEq(F: number, r: number, idx: number, nv: number, jac: number, out: number): void;
}

const instance = wasmKernel(TIP_KERNEL_WASM_BASE64);

/** The kernel's functions on `memory`. */
export function tipKernelOn(memory: WasmMemory): TipKernel {
  return instance(memory) as unknown as TipKernel;
}
