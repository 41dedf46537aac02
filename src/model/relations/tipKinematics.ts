/**
 * MODEL.md §1.1 / §3 D1: kinematic tip current and concentration factor. Dense Li filling the
 * advancing face: every mole of Li moved to the front costs one Faraday.
 */
import { FARADAY_C_PER_MOL, MOLAR_VOLUME_LI_M3_PER_MOL, Z_LI } from '../../core/units.js';

/**
 * Apparent (kinematic) tip current density j_tip = z·F·v/V_m.
 * @param velocityMPerS front velocity [m/s]
 * @returns j_tip [A/m²]
 */
export function tipCurrentDensityAPerM2(velocityMPerS: number): number {
  return (Z_LI * FARADAY_C_PER_MOL * velocityMPerS) / MOLAR_VOLUME_LI_M3_PER_MOL;
}

/**
 * Nominal recession speed of a flat Li electrode, v0 = V_m·j_n/(z·F).
 * @param jnAPerM2 applied current density [A/m²]
 * @returns v0 [m/s] (0.640466 nm/s at 4.7 A/m²)
 */
export function nominalVelocityMPerS(jnAPerM2: number): number {
  return (MOLAR_VOLUME_LI_M3_PER_MOL * jnAPerM2) / (Z_LI * FARADAY_C_PER_MOL);
}

/**
 * Concentration factor β = j_tip/j_n = v/v0.
 * @param velocityMPerS front velocity [m/s]
 * @param jnAPerM2 applied current density [A/m²]
 */
export function concentrationFactor(velocityMPerS: number, jnAPerM2: number): number {
  return tipCurrentDensityAPerM2(velocityMPerS) / jnAPerM2;
}
