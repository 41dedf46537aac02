/**
 * Model A (MODEL.md §2): bipolar migration of a floating Li inclusion in a thin crack.
 *
 * Within one constant-current segment and one mode, every quantity is a closed-form function
 * of a single state: the Li volume per unit width a [m²] deposited since the sub-segment began
 * (the dissolving end removes the same volume: mass is conserved by construction). The depositing
 * end moves a/h_dep, the dissolving end a/h_diss, the lag pressure follows a closed integral,
 * so Model A reduces to the scalar ODE
 *
 *   da/dt = V_m·I(a)/(F·w),
 *
 * integrated exactly (a linear in t) when I is constant (equal thicknesses, fixed threshold),
 * otherwise by adaptive Dormand–Prince 5(4), rtol 1e-8, with dense output at the requested times.
 * Sub-segments end at current-log breakpoints and at events located on the dense output:
 * refill → extension (the depositing end reaches the envelope), lag → extension (front pressure
 * reaches p_c) and ledger boundaries (the dissolving end enters Li of another thickness).
 */
import { F_OVER_VM_PA_PER_V } from '../../core/units.js';
import { monotoneRootNoDerivative } from '../numerics/monotoneRoot.js';
import { ScalarDopri } from '../numerics/scalarDopri.js';
import { checkReducedInputs } from './checkReducedInputs.js';
import { extensionThresholdV } from './extensionThreshold.js';
import { inclusionCurrentA } from './inclusionCurrent.js';
import {
  type CurrentProgram,
  type InclusionState0,
  MODE_EXTENSION,
  MODE_IDLE,
  MODE_LAG,
  MODE_REFILL,
  type ReducedModelParams,
  type ReducedRun,
} from './types.js';

/**
 * Evaluate Model A at the requested (sorted) times. Pure and deterministic.
 * @param p model parameters (validated here; InputError on violations)
 * @param program piecewise-constant applied current density
 * @param state0 initial ends (and optionally time and envelope)
 * @param timesS requested times [s], ascending
 */
export function simulateReduced(
  p: ReducedModelParams,
  program: CurrentProgram,
  state0: InclusionState0,
  timesS: ArrayLike<number>,
): ReducedRun {
  checkReducedInputs(p, program, state0, timesS);
  const n = timesS.length;
  // One allocation for all outputs (9 float columns + the mode bytes).
  const buffer = new ArrayBuffer(n * (9 * 8 + 1));
  const column = (i: number): Float64Array => new Float64Array(buffer, i * n * 8, n);
  const run: Required<ReducedRun> = {
    tS: column(0),
    s1M: column(1),
    s2M: column(2),
    centroidM: column(3),
    lengthM: column(4),
    currentA: column(5),
    envelopeLoM: column(6),
    envelopeHiM: column(7),
    volumePerWidthM2: column(8),
    mode: new Uint8Array(buffer, 9 * n * 8, n),
  };
  for (let i = 0; i < n; i++) run.tS[i] = timesS[i];
  const ledgerOn = p.thicknessLedger ?? false;
  const rtol = p.rtol ?? 1e-8;
  const smooth = (p.smoothingEpsV ?? 0) > 0;
  const cosTheta = Math.cos(p.thetaRad);
  const invFW = 1 / (F_OVER_VM_PA_PER_V * p.widthM); // da/dt = I·V_m/(F·w)
  const lag = p.lag ?? null;
  // dη_f/da = (V_m/F)·w/C(L), C = π(1 − ν²)·L²·w/(2E): η_f(a) = η_f0 + lagK·a/(L0·L(a)).
  const lagK = lag ? (2 * lag.youngPa) / (Math.PI * (1 - lag.poisson * lag.poisson) * F_OVER_VM_PA_PER_V) : 0;

  // ---- state carried across sub-segments -------------------------------------------------
  let s1 = state0.s1M;
  let s2 = state0.s2M;
  let cLo = state0.envelopeLoM ?? s1;
  let cHi = state0.envelopeHiM ?? s2;
  // Ledger: bounds[0] = s1 < ... < bounds[m] = s2, thickness[i] on [bounds[i], bounds[i+1]].
  const bounds: number[] = [s1, s2];
  const thickness: number[] = [p.hDissM];
  const volume = p.hDissM * (s2 - s1);
  let moment = p.hDissM * 0.5 * (s2 * s2 - s1 * s1);
  let etaF = 0; // A+ front pressure as an overpotential [V]
  let lastDir = 0;
  let k = 0;

  const t0 = state0.t0S ?? (program.tS.length > 0 ? program.tS[0] : 0);
  const tLast = n > 0 ? timesS[n - 1] : t0;

  const emitStatic = (limit: number): void => {
    while (k < n && timesS[k] < limit) {
      run.s1M[k] = s1;
      run.s2M[k] = s2;
      run.lengthM[k] = s2 - s1;
      run.centroidM[k] = ledgerOn ? moment / volume : 0.5 * (s1 + s2);
      run.currentA[k] = 0;
      run.mode[k] = MODE_IDLE;
      run.envelopeLoM[k] = cLo;
      run.envelopeHiM[k] = cHi;
      run.volumePerWidthM2[k] = volume;
      k++;
    }
  };

  /** Run one constant-current segment [tA, tB] (tB ≤ tNext); emit outputs with t < tNext. */
  const runSegment = (tA: number, tB: number, tNext: number, jn: number): void => {
    const dir = jn === 0 || Math.abs(cosTheta) < 1e-12 ? 0 : Math.sign(jn * cosTheta);
    if (dir === 0) {
      emitStatic(tNext);
      return;
    }
    if (dir !== lastDir) {
      // The previously pushing front now dissolves: its crack depressurises.
      etaF = 0;
      lastDir = dir;
    }
    let t = tA;
    for (;;) {
      if (thickness.length === 0 || !(s2 > s1)) {
        emitStatic(tNext); // inclusion consumed
        return;
      }
      // ---- mode of this sub-segment ------------------------------------------------------
      const l0 = s2 - s1;
      const env0 = cHi - cLo;
      const gap = dir > 0 ? s1 - cLo : cHi - s2;
      let mode = gap > 0 ? MODE_REFILL : MODE_EXTENSION;
      if (mode === MODE_EXTENSION && lag && etaF < extensionThresholdV(p, l0, env0)) mode = MODE_LAG;
      if (mode === MODE_REFILL) etaF = 0;
      const invHDep = mode === MODE_EXTENSION ? 1 / p.hExtM : mode === MODE_REFILL ? 1 / p.hRefillM : 0;
      const last = thickness.length - 1;
      const hDis = ledgerOn ? (dir > 0 ? thickness[last] : thickness[0]) : p.hDissM;
      const invHDis = 1 / hDis;
      // Volume left in the ledger interval at the dissolving end (event when exhausted).
      const capacity = ledgerOn
        ? hDis * (dir > 0 ? bounds[last + 1] - bounds[last] : bounds[1] - bounds[0])
        : Infinity;
      const refillTarget = mode === MODE_REFILL ? gap / invHDep : Infinity;
      const aLinearEvent = Math.min(capacity, refillTarget);
      const dLda = invHDep - invHDis;
      const envRate = mode === MODE_EXTENSION ? invHDep : 0;
      const etaF0 = etaF;
      const sDep0 = dir > 0 ? s1 : s2;
      const sDis0 = dir > 0 ? s2 : s1;

      const lengthAt = (a: number): number => l0 + a * dLda;
      const etaFAt = (a: number): number => etaF0 + (lagK * a) / (l0 * lengthAt(a));
      const thresholdAt = (a: number): number =>
        mode === MODE_REFILL ? p.etaRefillV : mode === MODE_LAG ? etaFAt(a) : extensionThresholdV(p, lengthAt(a), env0 + a * envRate);
      const currentAt = (a: number): number => inclusionCurrentA(p, lengthAt(a), jn, thresholdAt(a));
      const rate = (_t: number, a: number): number => currentAt(a) * invFW;

      const emitAt = (a: number, knownCurrentA = -1): void => {
        const dDep = a * invHDep;
        const dDis = a * invHDis;
        const sDep = sDep0 - dir * dDep;
        const sDis = sDis0 - dir * dDis;
        const q1 = dir > 0 ? sDep : sDis;
        const q2 = dir > 0 ? sDis : sDep;
        const i = knownCurrentA >= 0 ? knownCurrentA : currentAt(a);
        run.s1M[k] = q1;
        run.s2M[k] = q2;
        run.lengthM[k] = q2 - q1;
        run.currentA[k] = i;
        run.mode[k] = i > 0 ? mode : MODE_IDLE;
        run.envelopeLoM[k] = Math.min(cLo, q1);
        run.envelopeHiM[k] = Math.max(cHi, q2);
        // Deposited slab a at mean position (sDep0 + sDep)/2, dissolved slab at (sDis0 + sDis)/2.
        // In lag mode the front is stationary (sDep = sDep0): the Li fills its elastic opening.
        const mom = moment + 0.5 * a * (sDep0 + sDep) - 0.5 * a * (sDis0 + sDis);
        run.volumePerWidthM2[k] = volume;
        run.centroidM[k] = ledgerOn ? mom / volume : 0.5 * (q1 + q2);
        k++;
      };

      // ---- advance to tB or to the first event -----------------------------------------
      if (!(tB > t)) {
        while (k < n && timesS[k] <= t && timesS[k] < tNext) emitAt(0);
        return;
      }
      const i0 = currentAt(0);
      if (i0 === 0 && !smooth) {
        emitStatic(tNext); // nothing can change until the current does
        return;
      }
      const g0 = i0 * invFW;
      const constantRate = dLda === 0 && mode !== MODE_LAG && (mode === MODE_REFILL || p.etaThV !== null || p.aEff === 'half-length');
      let aEnd: number;
      let tEnd: number;
      let event: 'none' | 'linear' | 'lag' = 'none';
      if (constantRate) {
        const tEvent = t + aLinearEvent / g0;
        if (tEvent < tB) {
          event = 'linear';
          tEnd = tEvent;
          aEnd = aLinearEvent;
        } else {
          tEnd = tB;
          aEnd = g0 * (tB - t);
        }
        const limit = event === 'none' ? tNext : tEnd;
        while (k < n && timesS[k] < limit && timesS[k] <= tEnd) emitAt(g0 * (timesS[k] - t), i0);
      } else {
        const hMin = Math.min(invHDep > 0 ? 1 / invHDep : Infinity, hDis);
        const tScale = (0.01 * l0) / (g0 * Math.max(invHDep, invHDis));
        const solver = new ScalarDopri(rate, t, 0, tB, { rtol, atol: rtol * 1e-9 * hMin, h0: Math.min(tScale, tB - t) });
        tEnd = tB;
        aEnd = 0;
        while (solver.step()) {
          let aStar = Infinity;
          if (solver.y >= aLinearEvent) {
            aStar = aLinearEvent;
            event = 'linear';
          }
          if (mode === MODE_LAG) {
            const lagGap = (a: number): number => etaFAt(a) - extensionThresholdV(p, lengthAt(a), env0);
            if (lagGap(solver.y) >= 0) {
              const aLag = monotoneRootNoDerivative(lagGap, solver.yPrev, Math.min(solver.y, aStar), 1e-15);
              if (aLag < aStar) {
                aStar = aLag;
                event = 'lag';
              }
            }
          }
          if (event !== 'none') {
            // Time of the event on the (monotone) dense output.
            const target = aStar;
            tEnd = monotoneRootNoDerivative((tq) => solver.dense(tq) - target, solver.tPrev, solver.t, 1e-15);
            aEnd = aStar;
            while (k < n && timesS[k] < tEnd) emitAt(solver.dense(timesS[k]));
            break;
          }
          while (k < n && timesS[k] <= solver.t && timesS[k] < tNext) emitAt(solver.dense(timesS[k]));
          aEnd = solver.y;
        }
      }

      // ---- commit the sub-segment to the state ------------------------------------------
      const dDep = aEnd * invHDep;
      const sDep = sDep0 - dir * dDep;
      let sDis = sDis0 - dir * aEnd * invHDis;
      const exhausted = event === 'linear' && aEnd === capacity;
      // The volume per width is invariant: every mode deposits what it dissolves (in lag mode
      // into the front's elastic opening, which the ledger's thickness map does not resolve).
      moment += 0.5 * aEnd * (sDep0 + sDep) - 0.5 * aEnd * (sDis0 + sDis);
      if (ledgerOn) {
        const hDep = 1 / invHDep;
        if (dir > 0) {
          if (exhausted) {
            bounds.pop();
            thickness.pop();
            sDis = bounds[bounds.length - 1];
          } else bounds[bounds.length - 1] = sDis;
          if (dDep > 0) {
            if (thickness[0] === hDep) bounds[0] = sDep;
            else {
              bounds.unshift(sDep);
              thickness.unshift(hDep);
            }
          }
          s1 = bounds[0];
          s2 = bounds[bounds.length - 1];
        } else {
          if (exhausted) {
            bounds.shift();
            thickness.shift();
            sDis = bounds[0];
          } else bounds[0] = sDis;
          if (dDep > 0) {
            if (thickness[thickness.length - 1] === hDep) bounds[bounds.length - 1] = sDep;
            else {
              bounds.push(sDep);
              thickness.push(hDep);
            }
          }
          s1 = bounds[0];
          s2 = bounds[bounds.length - 1];
        }
      } else if (dir > 0) {
        s1 = sDep;
        s2 = sDis;
      } else {
        s2 = sDep;
        s1 = sDis;
      }
      if (event === 'linear' && aEnd === refillTarget) {
        // Depositing end reached the envelope exactly: refill → extension.
        if (dir > 0) {
          s1 = cLo;
          if (ledgerOn) bounds[0] = cLo;
        } else {
          s2 = cHi;
          if (ledgerOn) bounds[bounds.length - 1] = cHi;
        }
      }
      cLo = Math.min(cLo, s1);
      cHi = Math.max(cHi, s2);
      if (mode === MODE_LAG) etaF = event === 'lag' ? extensionThresholdV(p, s2 - s1, cHi - cLo) : etaFAt(aEnd);
      else if (mode === MODE_EXTENSION) etaF = extensionThresholdV(p, s2 - s1, cHi - cLo);
      if (event === 'none') return;
      t = tEnd;
    }
  };

  // ---- walk the current program -------------------------------------------------------------
  emitStatic(t0);
  const tsProg = program.tS;
  let idx = -1;
  while (idx + 1 < tsProg.length && tsProg[idx + 1] <= t0) idx++;
  let t = t0;
  while (k < n) {
    const jn = idx >= 0 ? program.jnAPerM2[idx] : 0;
    // Repeated values are one segment: a breakpoint would only restart the integrator.
    while (idx + 1 < tsProg.length && program.jnAPerM2[idx + 1] === jn) idx++;
    const tNext = idx + 1 < tsProg.length ? tsProg[idx + 1] : Infinity;
    runSegment(t, Math.min(tNext, tLast), tNext, jn);
    if (tNext === Infinity) break;
    t = tNext;
    idx++;
  }
  emitStatic(Infinity); // unreachable in exact arithmetic; keeps every output defined
  return run;
}
