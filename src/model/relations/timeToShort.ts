/**
 * MODEL.md §3 / T15: time for a dendrite to cross the electrolyte when it grows with the D2
 * primary collection current and a fixed fill thickness (no kinetics, no threshold):
 *
 *   dℓ/dt = (V_m/F)·(I_d/w)(ℓ)/h_eff.
 *
 * With u = π(d − ℓ)/(4d): t = (h_eff·F/(V_m·j_n))·∫ du / (−ln tan u), which is finite at the
 * short (u → 0, integrand → 0 like 1/|ln u|). Evaluated by adaptive Gauss–Kronrod.
 */
import { F_OVER_VM_PA_PER_V } from '../../core/units.js';
import { adaptiveQuadrature } from '../numerics/adaptiveQuadrature.js';

export interface TimeToShortInput {
  /** Electrolyte thickness d [m]. */
  gapM: number;
  /** Applied current density [A/m²] (> 0). */
  jnAPerM2: number;
  /** Effective fill thickness of the dendrite [m]. */
  hEffM: number;
  /** Initial dendrite length ℓ0 [m], 0 < ℓ0 < d. */
  initialLengthM: number;
  /** Final length [m] (default d: the short). */
  finalLengthM?: number;
}

/**
 * @returns time from ℓ0 to the final length [s] (284.437 s from 10 µm for d = 1 mm,
 *   j_n = 4.7 A/m², h_eff = 83.573 nm)
 */
export function timeToShortS(input: TimeToShortInput): number {
  const { gapM: d, jnAPerM2: jn, hEffM } = input;
  const lEnd = input.finalLengthM ?? d;
  const u0 = (Math.PI * (d - input.initialLengthM)) / (4 * d);
  const u1 = (Math.PI * (d - lEnd)) / (4 * d);
  const integrand = (u: number): number => (u <= 0 ? 0 : 1 / -Math.log(Math.tan(u)));
  const integral = adaptiveQuadrature(integrand, u1, u0, { relTol: 1e-12 });
  return ((hEffM * F_OVER_VM_PA_PER_V) / jn) * integral;
}
