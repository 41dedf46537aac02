/**
 * tipKernel.wat: the tip model's per-pixel sums must be bit for bit the JavaScript loops they
 * replaced in TipModel.evalF / evalJac (kept here as the oracle), on random slices with awkward
 * shapes — one row, one column, rows of weight 0 (skipped), slices whose first column is not the
 * window's (negative base offsets), ±0 and pixels whose ∂F/∂v0 is 0 (finJac skips them). Then the
 * model built on them: evalF/evalJac at many θ agree with finite differences (the kernel's sums
 * are the model's derivatives, not just some sums).
 */
import { describe, expect, it } from 'vitest';
import { align16, wasmMemory } from '../../src/segment/wasmKernel.js';
import { tipKernelOn } from '../../src/track/tipKernel.js';
import { T_KERNEL, TipModel } from '../../src/track/tipModelFit.js';
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
      const pCb = 0, pRb = align16(8 * nCb), pCj = pRb + align16(8 * nRb), pF = pCj + 64 * nc, pJ = pF + align16(8 * n);
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

/** normal3 as it was in tipModelFit.ts (the oracle of the kernel's): Φ, φ, G at x into out[o …]. */
const TN = 97, CUT = 3, TH = 1 / 16;
function normal3(x: number, out: Float64Array, o: number): void {
  const T_CDF = T_KERNEL.subarray(0, TN), T_PDF = T_KERNEL.subarray(TN, 2 * TN), T_DPDF = T_KERNEL.subarray(2 * TN);
  if (x >= CUT) { out[o] = 1; out[o + 1] = 0; out[o + 2] = x; return; }
  if (x <= -CUT) { out[o] = 0; out[o + 1] = 0; out[o + 2] = 0; return; }
  const f = (x + CUT) / TH;
  const k = Math.min(TN - 2, f | 0);
  const t = f - k, t2 = t * t, t3 = t2 * t;
  const h00 = 2 * t3 - 3 * t2 + 1, h10 = (t3 - 2 * t2 + t) * TH, h01 = 1 - h00, h11 = (t3 - t2) * TH;
  const cdf = h00 * T_CDF[k] + h10 * T_PDF[k] + h01 * T_CDF[k + 1] + h11 * T_PDF[k + 1];
  const pdf = h00 * T_PDF[k] + h10 * T_DPDF[k] + h01 * T_PDF[k + 1] + h11 * T_DPDF[k + 1];
  out[o] = cdf;
  out[o + 1] = pdf;
  out[o + 2] = x * cdf + pdf;
}

describe('sliceF against evalF\'s JavaScript slice', () => {
  it('column and row records and F, bit for bit (400 random slices, edges beyond ±3σ, a NaN edge)', () => {
    const rnd = mulberry32(99);
    const r = (lo: number, hi: number) => lo + (hi - lo) * rnd();
    const ri = (lo: number, hi: number) => Math.floor(r(lo, hi + 1));
    for (let trial = 0; trial < 400; trial++) {
      const nr = ri(1, 14), nc = ri(1, 30), n = nr * nc;
      const iLo = ri(0, nc - 1), iHi = ri(iLo, nc - 1), jLo = ri(0, nr - 1), jHi = ri(jLo, nr - 1);
      const cOff = ri(0, 20), rOff = ri(0, 20), cBase = cOff - iLo, rBase = rOff - jLo;
      const c0 = ri(-5, 300), r0 = ri(-5, 300);
      const sig = r(0.4, 3), inv = 1 / sig, thick = [0.04, 0.08, 0.13, 0.25, 0.5][ri(0, 4)];
      let uL = c0 + r(-8, nc + 8), uR = uL + r(0, 12);
      if (trial === 7) uR = NaN;
      const y = r0 + r(-6, nr + 6);
      const nCb = 4 * (cOff + nc), nRb = 3 * (rOff + nr);
      const pNb = align16(8 * 3 * TN), pNa = pNb + align16(8 * 6 * (nc + 1)), pCb = pNa + align16(8 * 3 * (nr + 1)), pRb = pCb + align16(8 * nCb), pF = pRb + align16(8 * nRb);
      const mem = wasmMemory(pF + 8 * n);
      new Float64Array(mem.buffer, 0, 3 * TN).set(T_KERNEL);
      const k = tipKernelOn(mem);
      const F = new Float64Array(mem.buffer, pF, n);
      for (let e = 0; e < n; e++) F[e] = r(-1, 1);
      // the oracle
      const nb = new Float64Array(6 * (nc + 1)), na = new Float64Array(3 * (nr + 1));
      const cb = new Float64Array(nCb), rb = new Float64Array(nRb), Fo = F.slice();
      for (let i = iLo; i <= iHi + 1; i++) {
        const bnd = c0 + i - 0.5;
        normal3((uR - bnd) * inv, nb, 6 * i);
        normal3((uL - bnd) * inv, nb, 6 * i + 3);
      }
      for (let i = iLo; i <= iHi; i++) {
        const a = 6 * i, b = a + 6, e = 4 * (cBase + i);
        cb[e] = sig * (nb[a + 2] - nb[b + 2] - nb[a + 5] + nb[b + 5]);
        cb[e + 1] = nb[a] - nb[b];
        cb[e + 2] = nb[b + 3] - nb[a + 3];
        cb[e + 3] = nb[a + 1] - nb[b + 1] - nb[a + 4] + nb[b + 4];
      }
      for (let j = jLo; j <= jHi + 1; j++) normal3((r0 + j - 0.5 - y) * inv, na, 3 * j);
      for (let j = jLo; j <= jHi; j++) {
        const a = 3 * j, b = a + 3, e = 3 * (rBase + j);
        const w = thick * (na[b] - na[a]);
        const pa = (r0 + j - 0.5 - y) * inv, pb = pa + inv;
        rb[e] = w;
        rb[e + 1] = thick * inv * (na[a + 1] - na[b + 1]);
        rb[e + 2] = thick * inv * (pa * na[a + 1] - pb * na[b + 1]);
        if (w === 0) continue;
        const o = j * nc;
        for (let i = iLo; i <= iHi; i++) Fo[o + i] += w * cb[4 * (cBase + i)];
      }
      k.sliceF(pF, nc, pNb, pNa, pCb + 32 * cBase, pRb + 24 * rBase, c0, iLo, iHi, r0, jLo, jHi, uL, uR, y, inv, sig, thick);
      const cbW = new Float64Array(mem.buffer, pCb, nCb), rbW = new Float64Array(mem.buffer, pRb, nRb);
      const sl = (a: Float64Array, from: number, len: number) => a.slice(from, from + len);
      expect(firstDiff(sl(cbW, 4 * cOff, 4 * (iHi - iLo + 1)), sl(cb, 4 * cOff, 4 * (iHi - iLo + 1))), `columns, trial ${trial}`).toBe(-1);
      expect(firstDiff(sl(rbW, 3 * rOff, 3 * (jHi - jLo + 1)), sl(rb, 3 * rOff, 3 * (jHi - jLo + 1))), `rows, trial ${trial}`).toBe(-1);
      expect(firstDiff(F, Fo), `F, trial ${trial}`).toBe(-1);
    }
  });
});

describe('normalEq against normalEquations\' JavaScript sums', () => {
  it('58 sums bit for bit (200 random windows, idx in window order with gaps, zeros in ∂F)', () => {
    const rnd = mulberry32(4242);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 400);
      const idx: number[] = [];
      for (let q = 0; q < n; q++) if (rnd() < 0.8) idx.push(q);
      const nv = idx.length;
      const pF = 0, pR = align16(8 * n), pI = pR + align16(8 * n), pJ = pI + align16(4 * n), pO = pJ + 48 * n;
      const mem = wasmMemory(pO + 8 * 58);
      const k = tipKernelOn(mem);
      const F = new Float64Array(mem.buffer, pF, n), r = new Float64Array(mem.buffer, pR, n), I = new Int32Array(mem.buffer, pI, n);
      const jac = new Float64Array(mem.buffer, pJ, NT * n), out = new Float64Array(mem.buffer, pO, 58);
      for (let q = 0; q < n; q++) F[q] = rnd() < 0.1 ? 0 : rnd() * 2 - 0.5;
      for (let e = 0; e < NT * n; e++) jac[e] = rnd() < 0.15 ? 0 : (rnd() - 0.5) * 10 ** (4 * rnd() - 2);
      for (let q = 0; q < nv; q++) { r[q] = (rnd() - 0.5) * 0.2; I[q] = idx[q]; }
      k.normalEq(pF, pR, pI, nv, pJ, pO);
      // the oracle: normalEquations' loop as it was
      let sf = 0, sff = 0, sr = 0, sfr = 0;
      const S1 = new Float64Array(NT), SF = new Float64Array(NT), SR = new Float64Array(NT), raw = new Float64Array(NT * NT);
      for (let q = 0; q < nv; q++) {
        const p = idx[q], f = F[p], rk = r[q], e = NT * p;
        sf += f; sff += f * f; sr += rk; sfr += f * rk;
        for (let a = 0; a < NT; a++) {
          S1[a] += jac[e + a]; SF[a] += f * jac[e + a]; SR[a] += rk * jac[e + a];
          for (let c = a; c < NT; c++) raw[a * NT + c] += jac[e + a] * jac[e + c];
        }
      }
      const want = [sf, sr, sff, sfr, ...S1, ...SF, ...SR];
      for (let i = 0; i < want.length; i++) expect(Object.is(out[i], want[i]), `sum ${i}, trial ${trial}`).toBe(true);
      for (let a = 0; a < NT; a++) for (let c = a; c < NT; c++) expect(Object.is(out[22 + a * NT + c], raw[a * NT + c]), `Σj${a}j${c}, trial ${trial}`).toBe(true);
    }
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
