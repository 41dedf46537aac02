/**
 * MODEL.md §2.5 closed form and the thresholds T6/T7 for the reduced model.
 */
import { FARADAY_C_PER_MOL, MOLAR_VOLUME_LI_M3_PER_MOL } from '../../core/units.js';
import { wagnerLengthM } from '../relations/butlerVolmer.js';
import { nominalVelocityMPerS } from '../relations/tipKinematics.js';

export interface StripClosedFormInput {
  lengthM: number;
  thetaRad: number;
  sigmaSPerM: number;
  jnAPerM2: number;
  /** Threshold η_th [V]. */
  etaThV: number;
  /** Equal Li thickness h = h_ext = h_diss [m]. */
  hM: number;
  j0APerM2: number;
  temperatureK: number;
}

/**
 * Strip, linearised kinetics, κ = 1, equal thickness, constant j_n:
 *   v/v0 = (L·cosθ − L_th)/(h·(1 + 4λ/L)),  L_th = σ·η_th/j_n, λ = σ·RT/(F·j0).
 * @returns end velocity magnitude [m/s] (0.139870 µm/s for C0; 0 below threshold)
 */
export function stripVelocityClosedFormMPerS(input: StripClosedFormInput): number {
  const { lengthM: l, thetaRad, sigmaSPerM: s, jnAPerM2: jn, etaThV, hM, j0APerM2, temperatureK } = input;
  const jAbs = Math.abs(jn);
  const lTh = (s * etaThV) / jAbs;
  const lambda = j0APerM2 === Infinity ? 0 : wagnerLengthM(s, j0APerM2, temperatureK);
  const num = l * Math.abs(Math.cos(thetaRad)) - lTh;
  if (!(num > 0)) return 0;
  return (nominalVelocityMPerS(jAbs) * num) / (hM * (1 + (4 * lambda) / l));
}

/**
 * Threshold length L_th = σ·η_th/j_n [m] (69.400 µm for C0).
 */
export function thresholdLengthM(sigmaSPerM: number, etaThV: number, jnAPerM2: number): number {
  return (sigmaSPerM * etaThV) / Math.abs(jnAPerM2);
}

/**
 * Critical applied current density j_crit = σ·η_th/(κ·L·cosθ) below which the inclusion does not move.
 * @returns [A/m²] (0.81545 A/m² = 0.081545 mA/cm² for C0)
 */
export function criticalCurrentDensityAPerM2(sigmaSPerM: number, etaThV: number, kappa: number, lengthM: number, thetaRad: number): number {
  return (sigmaSPerM * etaThV) / (kappa * lengthM * Math.abs(Math.cos(thetaRad)));
}

export interface CriticalLengthInput {
  kIcPaSqrtM: number;
  sigmaSPerM: number;
  geometryFactorY: number;
  jnAPerM2: number;
  kappa: number;
  thetaRad: number;
}

/**
 * Minimum active length with η_th = η_K(L/2):
 *   L_crit = [V_m·K_IC·σ·√(2/π)/(F·Y·j_n·κ·cosθ)]^(2/3).
 * @returns [m] (124.431 µm at σ = 0.1 S/m, j_n = 4.7 A/m², K_IC = 0.6 MPa·m^½, Y = 1)
 */
export function criticalLengthM(input: CriticalLengthInput): number {
  const { kIcPaSqrtM, sigmaSPerM, geometryFactorY, jnAPerM2, kappa, thetaRad } = input;
  const x =
    (MOLAR_VOLUME_LI_M3_PER_MOL * kIcPaSqrtM * sigmaSPerM * Math.sqrt(2 / Math.PI)) /
    (FARADAY_C_PER_MOL * geometryFactorY * Math.abs(jnAPerM2) * kappa * Math.abs(Math.cos(thetaRad)));
  return Math.pow(x, 2 / 3);
}

