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
import { monotoneRoot } from '../numerics/monotoneRoot.js';
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
  const { driveV: d, rAccOhm: r, aCtM2: a, j0APerM2: j0, alphaA, temperatureK, ends } = p;
  if (!(d > 0)) return 0;
  const vt = thermalVoltageV(temperatureK);
  if (p.kinetics === 'linear' || j0 === Infinity) {
    const rCt = j0 === Infinity ? 0 : vt / (j0 * a);
    const rTot = r + ends * rCt;
    return rTot > 0 ? d / rTot : Infinity;
  }
  const alphaC = 1 - alphaA;
  // Upper bound from the kinetics alone: the cathodic overpotential alone reaches D at
  // j = j0·(exp(α_c·D/vt) − exp(−α_a·D/vt)).
  const xD = d / vt;
  const iKin = a * j0 * (Math.exp(alphaC * xD) - Math.exp(-alphaA * xD));
  const hi = r > 0 ? Math.min(d / r, iKin) : iKin;
  const invA = 1 / a;
  const residual = (i: number): readonly [number, number] => {
    const j = i * invA;
    const etaC = -bvOverpotentialV(-j, j0, alphaA, temperatureK);
    const xc = etaC / vt;
    // dη/dj on each branch = 1/(dj/dη).
    let f = i * r + etaC - d;
    let df = r + invA * (vt / (j0 * (alphaC * Math.exp(alphaC * xc) + alphaA * Math.exp(-alphaA * xc))));
    if (ends === 2) {
      const etaA = alphaA === 0.5 ? etaC : bvOverpotentialV(j, j0, alphaA, temperatureK);
      const xa = etaA / vt;
      f += etaA;
      df += invA * (vt / (j0 * (alphaA * Math.exp(alphaA * xa) + alphaC * Math.exp(-alphaC * xa))));
    }
    return [f, df] as const;
  };
  // Linearised kinetics give a good first guess, clamped into the bracket.
  const rLin = r + (ends * vt) / (j0 * a);
  return monotoneRoot(residual, 0, hi, { x0: Math.min(d / rLin, 0.999 * hi), xRelTol: 1e-13 });
}
