/**
 * MODEL.md §1.2–1.4: pressures ↔ overpotentials through F/V_m (1 mV ↔ 7.338 MPa).
 * The geometry factor Y is always explicit: the reference paper's "0.33–0.1 GPa at 40–13 mV"
 * mixes Y = 1 (stresses) and Y = 1.12 (millivolts).
 */
import { crackExtensionPressurePa, F_OVER_VM_PA_PER_V } from '../../core/units.js';

/**
 * Upper bound of the electrodeposition stress, σ_0,max = −(F/V_m)·ΔE_d.
 * @param deltaEdV deposition overpotential ΔE_d [V] (cathodic negative)
 * @returns stress [Pa] (positive = compressive on the Li for a cathodic ΔE_d)
 */
export function depositionStressBoundPa(deltaEdV: number): number {
  return -F_OVER_VM_PA_PER_V * deltaEdV;
}

/**
 * Crack-extension pressure p_c = K_IC/(Y·√(π·a)).
 * @param aM crack half-length (through crack) or depth (edge crack) [m]
 * @param kIcPaSqrtM fracture toughness [Pa·m^½]
 * @param geometryFactorY Y: 1 through crack, 1.12 edge crack (no default: state it)
 * @returns p_c [Pa]
 */
export function crackExtensionPressure(aM: number, kIcPaSqrtM: number, geometryFactorY: number): number {
  return crackExtensionPressurePa(aM, kIcPaSqrtM, geometryFactorY);
}

/**
 * Overpotential that holds the crack-extension pressure, η_K = (V_m/F)·K_IC/(Y·√(π·a)).
 * @param aM crack half-length [m]
 * @param kIcPaSqrtM fracture toughness [Pa·m^½]
 * @param geometryFactorY Y (1 or 1.12)
 * @returns η_K [V] (46.129 mV at a = 1 µm, K_IC = 0.6 MPa·m^½, Y = 1)
 */
export function crackExtensionOverpotentialV(aM: number, kIcPaSqrtM: number, geometryFactorY: number): number {
  return crackExtensionPressurePa(aM, kIcPaSqrtM, geometryFactorY) / F_OVER_VM_PA_PER_V;
}

/**
 * Equilibrium-potential shift from a stack pressure, η_stack = (V_m/F)·P_stack.
 * @param pressurePa stack pressure [Pa]
 * @returns η [V] (0.5451 mV at 4 MPa: negligible next to crack pressures)
 */
export function stackPressureOverpotentialV(pressurePa: number): number {
  return pressurePa / F_OVER_VM_PA_PER_V;
}
