/**
 * Current through a floating conductor (or a dendrite) from its Thevenin equivalent
 * (MODEL.md §2.3 eq. A2, §3 D3):
 *
 *   D = I·R_acc + η_c(I/A_ct) [+ η_a(I/A_ct)],   I ≥ 0,
 *
 * D the available drive [V] (open-circuit potential minus threshold), R_acc the access
 * resistance [Ω], A_ct the charge-transfer area of each end [m²]. The right-hand side is
 * strictly increasing in I, so the root is bracketed by [0, min(D/R_acc, kinetic bound)] and
 * found by safeguarded Newton. D ≤ 0 gives I = 0.
 */
import { thermalVoltageV } from '../../core/units.js';
import { bvOverpotentialV } from './butlerVolmer.js';

/** Interface kinetics used by the Thevenin solve. */
export type KineticsLaw = 'bv' | 'linear';

export interface TheveninProblem {
  /** Available drive D [V]; I = 0 when D ≤ 0. */
  driveV: number;
  /** Access (spreading) resistance R_acc [Ω] (≥ 0). */
  rAccOhm: number;
  /** Charge-transfer area of each electrode end [m²] (> 0). */
  aCtM2: number;
  /** Exchange current density [A/m²] (> 0; Infinity = reversible interface). */
  j0APerM2: number;
  /** Anodic transfer coefficient α_a (α_c = 1 − α_a). */
  alphaA: number;
  temperatureK: number;
  /** 'bv': full Butler–Volmer; 'linear': η = (RT/F)·j/j0 (exact for small η). */
  kinetics: KineticsLaw;
  /** 2: a floating conductor (cathodic deposit end + anodic dissolving end); 1: a dendrite (cathodic step only). */
  ends: 1 | 2;
}

/**
 * Solve A2 / D3 for the current.
 * @returns I [A] (≥ 0; Infinity only if R_acc = 0 and j0 = ∞ with D > 0)
 */
export function theveninCurrentA(p: TheveninProblem): number {
  return theveninCurrentCoreA(p.driveV, p.rAccOhm, p.aCtM2, p.j0APerM2, p.alphaA, p.temperatureK, p.kinetics, p.ends);
}

/**
 * Positional form of theveninCurrentA for inner loops (no argument object).
 * @returns I [A]
 */
export function theveninCurrentCoreA(
  d: number,
  r: number,
  a: number,
  j0: number,
  alphaA: number,
  temperatureK: number,
  kinetics: KineticsLaw,
  ends: 1 | 2,
): number {
  if (!(d > 0)) return 0;
  const vt = thermalVoltageV(temperatureK);
  if (kinetics === 'linear' || j0 === Infinity) {
    const rCt = j0 === Infinity ? 0 : vt / (j0 * a);
    const rTot = r + ends * rCt;
    return rTot > 0 ? d / rTot : Infinity;
  }
  const alphaC = 1 - alphaA;
  // Upper bound from the kinetics alone: the cathodic overpotential alone reaches D at
  // j = j0·(exp(α_c·D/vt) − exp(−α_a·D/vt)).
  const xD = d / vt;
  const iKin = a * j0 * (Math.exp(alphaC * xD) - Math.exp(-alphaA * xD));
  let lo = 0;
  let hi = r > 0 ? Math.min(d / r, iKin) : iKin;
  const invA = 1 / a;
  const symmetric = alphaA === 0.5;
  // Safeguarded Newton (rtsafe) written out inline: this is the innermost loop of every fit,
  // so no closures or tuples are allocated here. Linearised kinetics give the first guess
  // (a lower bound of the BV current), clamped into the bracket.
  const rLin = r + (ends * vt) / (j0 * a);
  let i = Math.min(d / rLin, 0.999 * hi);
  let lastStep = hi - lo;
  for (let iter = 0; iter < 200; iter++) {
    const j = i * invA;
    let f: number;
    let df: number;
    if (symmetric) {
      // η = 2·vt·asinh(j/(2·j0)) on both branches; dη/dj = 2·vt/√(4·j0² + j²).
      const etaEnd = 2 * vt * Math.asinh(j / (2 * j0));
      const dEtaDj = (2 * vt) / Math.sqrt(4 * j0 * j0 + j * j);
      f = i * r + ends * etaEnd - d;
      df = r + ends * invA * dEtaDj;
    } else {
      const etaC = -bvOverpotentialV(-j, j0, alphaA, temperatureK);
      const xc = etaC / vt;
      f = i * r + etaC - d;
      df = r + invA * (vt / (j0 * (alphaC * Math.exp(alphaC * xc) + alphaA * Math.exp(-alphaA * xc))));
      if (ends === 2) {
        const etaA = bvOverpotentialV(j, j0, alphaA, temperatureK);
        const xa = etaA / vt;
        f += etaA;
        df += invA * (vt / (j0 * (alphaA * Math.exp(alphaA * xa) + alphaC * Math.exp(-alphaC * xa))));
      }
    }
    if (f === 0) return i;
    if (f < 0) lo = i;
    else hi = i;
    let next = i - f / df;
    const inBracket = next >= lo && next <= hi;
    if (inBracket && Math.abs(next - i) <= 1e-13 * next) return next;
    if (!inBracket || Math.abs(next - i) > 0.5 * lastStep) next = 0.5 * (lo + hi);
    if (hi - lo <= 1e-14 * hi) return 0.5 * (lo + hi);
    lastStep = Math.abs(next - i);
    i = next;
  }
  return i;
}
