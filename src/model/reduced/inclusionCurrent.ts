/**
 * MODEL.md §2.2–2.3: open-circuit drive U = κ·(j_n/σ)·L·cosθ and the current through the
 * inclusion from the Thevenin equation (A2) with two charge-transfer ends.
 */
import { theveninCurrentCoreA } from '../relations/theveninCurrent.js';
import { type ShapeFactors, shapeFactors, writeShapeFactors } from './shapeFactors.js';

// Reused by inclusionCurrentA (synchronous, non-reentrant): no allocation per evaluation.
const scratch: ShapeFactors = { depolarisationN: 0, kappa: 1, rAccOhm: 0, aCtM2: 0, shortCircuitAreaM2: 0 };
import type { ReducedModelParams } from './types.js';

/**
 * Signed open-circuit potential difference across the inclusion.
 * @returns U [V] (> 0: end 1 (smaller s) deposits; 18.800 mV for C0)
 */
export function openCircuitDriveV(p: ReducedModelParams, lengthM: number, jnAPerM2: number): number {
  const { kappa } = shapeFactors(p.shape, lengthM, p.sigmaSPerM, p.widthM, p.aspectRatio);
  return ((kappa * jnAPerM2) / p.sigmaSPerM) * lengthM * Math.cos(p.thetaRad);
}

/** ε·softplus(x/ε), evaluated without overflow. */
export function softplusV(xV: number, epsV: number): number {
  const z = xV / epsV;
  return z > 30 ? xV + epsV * Math.log1p(Math.exp(-z)) : epsV * Math.log1p(Math.exp(z));
}

/**
 * Current through the inclusion (A2): |U| − η_th = I·R_acc + η_c(I/A_ct) + η_a(I/A_ct),
 * with (|U| − η_th)₊ replaced by ε·softplus((|U| − η_th)/ε) when smoothingEpsV > 0.
 * @param thresholdV opposing threshold η_th [V] (extension, refill, or lag front pressure)
 * @returns I [A] (4.1056e-7 A for C0, linear kinetics)
 */
export function inclusionCurrentA(p: ReducedModelParams, lengthM: number, jnAPerM2: number, thresholdV: number): number {
  if (!(lengthM > 0)) return 0;
  const sf = writeShapeFactors(scratch, p.shape, lengthM, p.sigmaSPerM, p.widthM, p.aspectRatio);
  const u = ((sf.kappa * jnAPerM2) / p.sigmaSPerM) * lengthM * Math.cos(p.thetaRad);
  const excess = Math.abs(u) - thresholdV;
  const eps = p.smoothingEpsV ?? 0;
  const drive = eps > 0 ? softplusV(excess, eps) : excess;
  return theveninCurrentCoreA(drive, sf.rAccOhm, sf.aCtM2, p.j0APerM2, p.alphaA, p.temperatureK, p.kinetics, 2);
}
