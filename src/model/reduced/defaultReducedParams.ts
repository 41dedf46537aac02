/**
 * Defaults of Model A: MODEL.md §5 material values with the canonical set C0 (§7 T5) where §5
 * leaves a choice (strip, w = 400 µm, equal thicknesses 1 µm, j0 = 50 A/m² ≈ r_s 5 Ω·cm²).
 */
import { DEFAULT_TEMPERATURE_K, K_IC_LLZO_PA_SQRT_M } from '../../core/units.js';
import type { ReducedModelParams } from './types.js';

/** A fresh, fully-specified parameter object (callers may mutate their copy). */
export function defaultReducedParams(): ReducedModelParams {
  return {
    shape: 'strip',
    thetaRad: 0,
    sigmaSPerM: 0.1, // 1 mS/cm
    widthM: 400e-6,
    temperatureK: DEFAULT_TEMPERATURE_K,
    hExtM: 1e-6,
    hDissM: 1e-6,
    hRefillM: 1e-6,
    j0APerM2: 50, // 5 mA/cm²
    alphaA: 0.5,
    etaThV: null,
    kIcPaSqrtM: K_IC_LLZO_PA_SQRT_M,
    geometryFactorY: 1,
    aEff: 'half-length',
    etaRefillV: 0,
    kinetics: 'bv',
    smoothingEpsV: 0,
    lag: null,
    thicknessLedger: false,
    rtol: 1e-8,
  };
}
