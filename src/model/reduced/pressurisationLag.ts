/**
 * MODEL.md §2.6 (A+): the depositing front must first pressurise its crack to p_c. With the
 * 2D plane-strain compliance C of a pressurised crack of half-length a = L/2, the front
 * pressure obeys dp_f/dt = (V_m·I/F)/C; for frozen geometry and linear kinetics
 * p_f = p∞·(1 − e^(−t/τ)), p∞ = U·F/V_m, τ = C·R_tot·F²/V_m², t_on = −τ·ln(1 − η_th/U).
 */
import { F_OVER_VM_PA_PER_V } from '../../core/units.js';

/**
 * Volume compliance of a plane-strain crack of half-length a = L/2, C = 2π(1 − ν²)·a²·w/E.
 * @returns C [m³/Pa] (6.2490e-22 for C0 with E = 150 GPa, ν = 0.26)
 */
export function crackComplianceM3PerPa(lengthM: number, widthM: number, youngPa: number, poisson: number): number {
  const a = 0.5 * lengthM;
  return (2 * Math.PI * (1 - poisson * poisson) * a * a * widthM) / youngPa;
}

/**
 * Pressurisation time constant τ = C·R_tot·(F/V_m)².
 * @param rTotOhm total linearised resistance R_acc + 2·R_ct [Ω]
 * @returns τ [s] (1273.61 s for C0)
 */
export function pressurisationTimeConstantS(complianceM3PerPa: number, rTotOhm: number): number {
  return complianceM3PerPa * rTotOhm * F_OVER_VM_PA_PER_V * F_OVER_VM_PA_PER_V;
}

/**
 * Onset of front motion t_on = −τ·ln(1 − η_th/U) (Infinity if |U| ≤ η_th).
 * @returns [s] (242.70 s for C0)
 */
export function pressurisationOnsetS(timeConstantS: number, etaThV: number, driveV: number): number {
  const r = etaThV / Math.abs(driveV);
  return r >= 1 ? Infinity : -timeConstantS * Math.log1p(-r);
}

/**
 * Elastic opening of a plane-strain crack of half-length a = L/2 under pressure p:
 * δ(x) = 4(1 − ν²)·p·√(a² − x²)/E; maximum at the centre, mean = (π/4)·maximum.
 * @returns opening [m] (max 119.03 nm, mean 93.49 nm at p_c = 23.937 MPa, L = 400 µm)
 */
export function elasticCrackOpeningM(pressurePa: number, lengthM: number, youngPa: number, poisson: number): { maxM: number; meanM: number } {
  const maxM = (4 * (1 - poisson * poisson) * pressurePa * 0.5 * lengthM) / youngPa;
  return { maxM, meanM: (Math.PI / 4) * maxM };
}
