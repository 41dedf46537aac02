/**
 * MODEL.md §3 / T15: the fill thickness a dendrite front must have for its collected current
 * to explain its observed speed, h_eff = (V_m/F)·(I_d/w)/v. Values ≈ 0.1 µm mean the crack
 * front runs ahead of a thin Li film (j_tip is apparent, not an interfacial current).
 */
import { F_OVER_VM_PA_PER_V } from '../../core/units.js';

/**
 * @param currentPerWidthAPerM collected current per unit width I_d/w [A/m]
 * @param velocityMPerS observed front velocity [m/s]
 * @returns h_eff [m]
 */
export function impliedFillThicknessM(currentPerWidthAPerM: number, velocityMPerS: number): number {
  return currentPerWidthAPerM / (F_OVER_VM_PA_PER_V * velocityMPerS);
}
