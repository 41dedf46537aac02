/**
 * tipKernel.wat: the tip model's per-pixel sums must be bit for bit the JavaScript loops they
 * replaced in TipModel.evalF / evalJac (kept here as the oracle), on random slices with awkward
 * shapes — one row, one column, rows of weight 0 (skipped), slices whose first column is not the
 * window's (negative base offsets), ±0 and pixels whose ∂F/∂v0 is 0 (finJac skips them). Then the
 * model built on them: evalF/evalJac at many θ agree with finite differences (the kernel's sums
 * are the model's derivatives, not just some sums).
 */
import { describe, expect, it } from 'vitest';
import { wasmMemory } from '../../src/segment/wasmKernel.js';
import { tipKernelOn } from '../../src/track/tipKernel.js';
import { TipModel } from '../../src/track/tipModelFit.js';
import { mulberry32 } from '../helpers/rng.js';

const NT = 6;

/** Element-wise identity (Object.is: tells −0 from +0, NaN equals NaN); the first difference. */
function firstDiff(a: Float64Array, b: Float64Array): number {
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) return k;
  return -1;
}

describe('tip model kernels against the JavaScript they replaced', () => {
  const rnd = mulberry32(20261207);
  const r = (lo: number, hi: number) => lo + (hi - lo) * rnd();
  const ri = (lo: number, hi: number) => Math.floor(r(lo, hi + 1));

  it('accF, colJac, accJac, finJac: bit for bit, 300 random slices', () => {
    for (let trial = 0; trial < 300; trial++) {
      const nr = ri(1, 14), nc = ri(1, 30), n = nr * nc;
      const iLo = ri(0, nc - 1), iHi = ri(iLo, nc - 1), jLo = ri(0, nr - 1), jHi = ri(jLo, nr - 1);
      // the slice's records start at cOff, rOff in colBuf/rowBuf (as in evalF), indexed by window column/row
      const cOff = ri(0, 20), rOff = ri(0, 20);
      const cBase = cOff - iLo, rBase = rOff - jLo;
      const nCb = 4 * (cOff + nc), nRb = 3 * (rOff + nr);
      const pCb = 0, pRb = 16 * Math.ceil((8 * nCb) / 16), pCj = pRb + 16 * Math.ceil((8 * nRb) / 16), pF = pCj + 64 * nc, pJ = pF + 16 * Math.ceil((8 * n) / 16);
      const mem = wasmMemory(pJ + 8 * NT * n);
      const k = tipKernelOn(mem);
      const cb = new Float64Array(mem.buffer, pCb, nCb), rb = new Float64Array(mem.buffer, pRb, nRb);
      const F = new Float64Array(mem.buffer, pF, n), jac = new Float64Array(mem.buffer, pJ, NT * n);
      const special = [0, -0, 1e-300, -3.5e7];
      const val = () => (rnd() < 0.08 ? special[ri(0, 3)] : r(-2, 2));
      for (let e = 0; e < nCb; e++) cb[e] = val();
      for (let e = 0; e < nRb; e++) rb[e] = rnd() < 0.15 ? (rnd() < 0.5 ? 0 : -0) : val();
      for (let e = 0; e < n; e++) F[e] = r(-1, 1);
      for (let e = 0; e < NT * n; e++) jac[e] = rnd() < 0.1 ? 0 : r(-1, 1);
      // a few pixels with ∂F/∂v0 = 0 after the sums: rows whose wy is 0 and columns whose L is 0
      const F0 = F.slice(), J0 = jac.slice();
      const pk = [r(-3, 3), r(-3, 3), r(-3, 3), r(-3, 3), r(-3, 3), r(-3, 3)];
      const yp = [r(-2, 2), r(-2, 2), r(-2, 2)];

      // the oracle: evalF's and evalJac's loops as they were
      const Fo = F0.slice(), Jo = J0.slice();
      for (let j = jLo; j <= jHi; j++) {
        const w = rb[3 * (rBase + j)];
        if (w === 0) continue;
        const o = j * nc;
        for (let i = iLo; i <= iHi; i++) Fo[o + i] += w * cb[4 * (cBase + i)];
      }
      const dR = new Float64Array(nc), dPhi = new Float64Array(nc), dA = new Float64Array(nc), dQ = new Float64Array(nc);
      const [rA, lA, rB, lB, rC, lC] = pk;
      for (let i = iLo; i <= iHi; i++) {
        const e = 4 * (cBase + i);
        const R = cb[e + 1], Lf = cb[e + 2];
        dR[i] = R + Lf;
        dPhi[i] = rA * R + lA * Lf;
        dA[i] = rB * R + lB * Lf;
        dQ[i] = rC * R + lC * Lf;
      }
      for (let j = jLo; j <= jHi; j++) {
        const er = 3 * (rBase + j);
        const w = rb[er], wy = rb[er + 1], ws = rb[er + 2];
        const o = j * nc;
        for (let i = iLo; i <= iHi; i++) {
          const ec = 4 * (cBase + i);
          const L = cb[ec];
          const e = NT * (o + i);
          Jo[e] += w * dR[i];
          Jo[e + 1] += wy * L;
          Jo[e + 2] += w * dPhi[i];
          Jo[e + 3] += w * dA[i];
          Jo[e + 4] += w * dQ[i];
          Jo[e + 5] += ws * L + w * cb[ec + 3];
        }
      }
      for (let e = 0; e < NT * n; e += NT) {
        const jv = Jo[e + 1];
        if (jv === 0) continue;
        Jo[e + 2] += yp[0] * jv;
        Jo[e + 3] += yp[1] * jv;
        Jo[e + 4] += yp[2] * jv;
      }

      k.accF(pF, nc, iLo, iHi, jLo, jHi, pCb + 32 * cBase, pRb + 24 * rBase);
      k.colJac(pCj, pCb + 32 * cBase, iLo, iHi, rA, lA, rB, lB, rC, lC);
      k.accJac(pJ, nc, iLo, iHi, jLo, jHi, pCj, pRb + 24 * rBase);
      k.finJac(pJ, n, yp[0], yp[1], yp[2]);
      expect(firstDiff(F, Fo), `accF, trial ${trial}`).toBe(-1);
      expect(firstDiff(jac, Jo), `accJac/finJac, trial ${trial}`).toBe(-1);
      // (and something was summed: a kernel that did nothing would fail the trials above that add)
    }
  });

  it('a kernel that skips nothing or sums in another order is caught (the oracle is strict)', () => {
    // one slice where w = −0 on a row: skipping it or not differs only in −0 + −0 = −0 vs +0 sums
    const nc = 3, n = nc;
    const mem = wasmMemory(4096);
    const k = tipKernelOn(mem);
    const cb = new Float64Array(mem.buffer, 0, 12), rb = new Float64Array(mem.buffer, 256, 3), F = new Float64Array(mem.buffer, 512, n);
    cb.set([-1, 0, 0, 0, 2, 0, 0, 0, -3, 0, 0, 0]);
    rb.set([-0, 1, 1]);
    F.set([-0, -0, -0]);
    k.accF(512, nc, 0, 2, 0, 0, 0, 256);
    // skipped row: F stays −0 everywhere (without the skip −0 + (−0·−1 = +0) = +0 at column 0)
    expect(Array.from(F).map((x) => Object.is(x, -0))).toEqual([true, true, true]);
  });
});

describe('TipModel on the kernels', () => {
  it('∂F/∂θ from evalJac matches central differences of evalF (40 random θ, 3 window sizes)', () => {
    const rnd = mulberry32(7);
    for (const [nr, nc] of [[13, 9], [13, 17], [13, 29]]) {
      const m = new TipModel(100, nr, 200, nc);
      const n = nr * nc;
      const F = new Float64Array(n), Fp = new Float64Array(n), Fm = new Float64Array(n), jac = new Float64Array(NT * n);
      for (let t = 0; t < 40; t++) {
        const th = new Float64Array([200 + (nc - 1) / 2 + (rnd() - 0.5) * 2, 108 + (rnd() - 0.5) * 2, (rnd() - 0.5) * 0.6, rnd() * 6, 1 + rnd() * 8, 0.7 + rnd() * 0.8]);
        if (!m.ok(th)) continue;
        m.evalF(th, F);
        m.evalJac(jac);
        let maxF = 0;
        for (let i = 0; i < n; i++) maxF = Math.max(maxF, Math.abs(F[i]));
        expect(maxF).toBeGreaterThan(0.05); // the tip is in the window
        for (let p = 0; p < NT; p++) {
          const h = [1e-5, 1e-5, 1e-6, 1e-5, 1e-5, 1e-6][p];
          const a = th.slice(), b = th.slice();
          a[p] += h; b[p] -= h;
          m.evalF(a, Fp);
          m.evalF(b, Fm);
          let err = 0, scale = 0;
          for (let i = 0; i < n; i++) {
            const fd = (Fp[i] - Fm[i]) / (2 * h);
            err = Math.max(err, Math.abs(fd - jac[NT * i + p]));
            scale = Math.max(scale, Math.abs(fd));
          }
          // (the slices' pixel limits move with θ: a difference across one is a kink, not noise; a
          // wrong sum is off by the size of the derivative itself)
          expect(err, `θ_${p} at ${Array.from(th).map((x) => x.toFixed(3))}`).toBeLessThan(2e-3 * Math.max(1, scale));
        }
      }
    }
  });
});
