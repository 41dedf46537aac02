/**
 * MODEL.md §2.4: mechanical threshold of the extension mode, η_th = η_K(a_eff) with
 * a_eff = L/2 (default) or half the crack envelope, unless a value is given (fits).
 */
import { crackExtensionOverpotentialV } from '../relations/crackMechanics.js';
import type { ReducedModelParams } from './types.js';

/**
 * @param p model parameters (etaThV overrides; else K_IC, Y, aEff)
 * @param lengthM current inclusion length L [m]
 * @param envelopeLengthM current crack envelope length c_hi − c_lo [m]
 * @returns η_th [V] (3.2618 mV for C0: K_IC = 0.6 MPa·m^½, Y = 1, a = 200 µm)
 */
export function extensionThresholdV(p: ReducedModelParams, lengthM: number, envelopeLengthM: number): number {
  if (p.etaThV !== null) return p.etaThV;
  const a = 0.5 * (p.aEff === 'half-envelope' ? envelopeLengthM : lengthM);
  return crackExtensionOverpotentialV(a, p.kIcPaSqrtM, p.geometryFactorY);
}
