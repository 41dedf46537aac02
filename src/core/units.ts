/**
 * Physical constants and unit conversions — the one place they live.
 *
 * Values follow SPEC.md "Physics" and MODEL.md §0. SI internally; µm, s, mA/cm², A/cm²
 * only at the edges, converted with the helpers below.
 */

/** Faraday constant [C/mol]. */
export const FARADAY_C_PER_MOL = 96485.3;
/** Molar volume of Li metal [m³/mol] (13.148 cm³/mol, the reference paper's value). */
export const MOLAR_VOLUME_LI_M3_PER_MOL = 13.148e-6;
/** Charge number of Li⁺. */
export const Z_LI = 1;
/** Gas constant [J/(mol K)]. */
export const GAS_CONSTANT_J_PER_MOL_K = 8.314462618;
/** Default temperature [K]. */
export const DEFAULT_TEMPERATURE_K = 298.15;
/** Default fracture toughness of LLZO [Pa m^½] (0.6 MPa m^½). */
export const K_IC_LLZO_PA_SQRT_M = 0.6e6;
/** Default Young's modulus of LLZO [Pa]. */
export const E_LLZO_PA = 150e9;
/** Default Poisson ratio of LLZO. */
export const NU_LLZO = 0.26;

/** F/V_m [C/m³ = Pa/V]: converts an overpotential into a pressure. */
export const F_OVER_VM_PA_PER_V = FARADAY_C_PER_MOL / MOLAR_VOLUME_LI_M3_PER_MOL;

/** Thermal voltage RT/F [V] at temperature T [K]. */
export function thermalVoltageV(temperatureK: number = DEFAULT_TEMPERATURE_K): number {
  return (GAS_CONSTANT_J_PER_MOL_K * temperatureK) / FARADAY_C_PER_MOL;
}

// ---- length, area, time -------------------------------------------------------------------
export const UM_PER_M = 1e6;
export const M_PER_UM = 1e-6;
export const CM2_PER_M2 = 1e4;

export function umToM(um: number): number {
  return um * M_PER_UM;
}
export function mToUm(m: number): number {
  return m * UM_PER_M;
}

// ---- current density -----------------------------------------------------------------------
/** A/m² → A/cm². */
export function aPerM2ToAPerCm2(aPerM2: number): number {
  return aPerM2 / CM2_PER_M2;
}
/** A/cm² → A/m². */
export function aPerCm2ToAPerM2(aPerCm2: number): number {
  return aPerCm2 * CM2_PER_M2;
}
/** mA/cm² → A/m² (1 mA/cm² = 10 A/m²). */
export function mAPerCm2ToAPerM2(mAPerCm2: number): number {
  return mAPerCm2 * 10;
}
/** A/m² → mA/cm². */
export function aPerM2ToMAPerCm2(aPerM2: number): number {
  return aPerM2 / 10;
}
/** Conductivity mS/cm → S/m (1 mS/cm = 0.1 S/m). */
export function mSPerCmToSPerM(mSPerCm: number): number {
  return mSPerCm * 0.1;
}

// ---- kinematics ↔ current --------------------------------------------------------------------
/**
 * Apparent tip current density from a front velocity: j_tip = z F v / V_m.
 * @param velocityUmPerS front velocity [µm/s]
 * @returns j_tip [A/cm²]
 */
export function jTipAPerCm2FromVelocityUmPerS(velocityUmPerS: number): number {
  const vMPerS = umToM(velocityUmPerS);
  return aPerM2ToAPerCm2((Z_LI * FARADAY_C_PER_MOL * vMPerS) / MOLAR_VOLUME_LI_M3_PER_MOL);
}

/**
 * Velocity of a Li face that carries current density j: v = V_m j / (z F).
 * @param jAPerM2 current density [A/m²]
 * @returns velocity [m/s]
 */
export function velocityMPerSFromCurrentDensity(jAPerM2: number): number {
  return (MOLAR_VOLUME_LI_M3_PER_MOL * jAPerM2) / (Z_LI * FARADAY_C_PER_MOL);
}

/** Overpotential [V] ↔ pressure [Pa] through F/V_m (1 mV ↔ 7.338 MPa). */
export function pressurePaFromOverpotentialV(etaV: number): number {
  return F_OVER_VM_PA_PER_V * etaV;
}
export function overpotentialVFromPressurePa(pPa: number): number {
  return pPa / F_OVER_VM_PA_PER_V;
}

/**
 * Critical pressure to extend a crack of half-length a: p_c = K_IC / (Y √(π a)).
 * @param aM crack (half-)length [m]
 * @param kIcPaSqrtM fracture toughness [Pa m^½]
 * @param geometryFactorY Y (1 through crack, 1.12 edge crack)
 * @returns p_c [Pa]
 */
export function crackExtensionPressurePa(aM: number, kIcPaSqrtM = K_IC_LLZO_PA_SQRT_M, geometryFactorY = 1): number {
  return kIcPaSqrtM / (geometryFactorY * Math.sqrt(Math.PI * aM));
}
