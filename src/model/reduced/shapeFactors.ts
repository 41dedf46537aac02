/**
 * MODEL.md §2.3: Thevenin shape factors of an ellipsoidal (or strip) conductor of length L
 * along t̂ in a uniform field: κ = 1/(1 − N), access resistance R_acc = V_oc/I_sc, and the
 * charge-transfer area of each end A_ct = (1/a)·∫_half x dS.
 */
import type { Shape } from './types.js';

export interface ShapeFactors {
  /** Depolarisation factor N along t̂. */
  depolarisationN: number;
  /** κ = 1/(1 − N): V_oc = κ·E∥·L. */
  kappa: number;
  /** Access resistance R_acc [Ω]. */
  rAccOhm: number;
  /** Charge-transfer area of each end [m²]. */
  aCtM2: number;
  /** Short-circuit (fast-kinetics) current per unit current density, I_sc/j_n [m²]. */
  shortCircuitAreaM2: number;
}

/**
 * Exact depolarisation factor of a prolate spheroid along its long axis,
 * N = (1 − e²)/e³·(artanh e − e), e = √(1 − (b/a)²). (The slender form (b/a)²[ln(2a/b) − 1]
 * is 1.6 % low at a/b = 10.)
 * @param aspectRatio a/b (> 1)
 */
export function prolateDepolarisationFactor(aspectRatio: number): number {
  if (aspectRatio === 1) return 1 / 3;
  const e2 = 1 - 1 / (aspectRatio * aspectRatio);
  const e = Math.sqrt(e2);
  // Series for e → 0 avoids cancellation: N = 1/3 − 2e²/15 − ...
  if (e < 1e-3) return 1 / 3 - (2 * e2) / 15;
  return ((1 - e2) / (e2 * e)) * (Math.atanh(e) - e);
}

/**
 * Shape factors at length L.
 * @param shape shape class
 * @param lengthM L [m] (strip/penny/prolate length along t̂; sphere diameter)
 * @param sigmaSPerM σ [S/m]
 * @param widthM out-of-plane extent w [m] (strip only)
 * @param aspectRatio a/b for 'prolate'
 */
export function shapeFactors(shape: Shape, lengthM: number, sigmaSPerM: number, widthM: number, aspectRatio = 10): ShapeFactors {
  return writeShapeFactors({ depolarisationN: 0, kappa: 1, rAccOhm: 0, aCtM2: 0, shortCircuitAreaM2: 0 }, shape, lengthM, sigmaSPerM, widthM, aspectRatio);
}

/** As shapeFactors, writing into `out` (no allocation in the integrator's inner loop). */
export function writeShapeFactors(out: ShapeFactors, shape: Shape, lengthM: number, sigmaSPerM: number, widthM: number, aspectRatio = 10): ShapeFactors {
  const a = 0.5 * lengthM;
  switch (shape) {
    case 'strip':
      // 2D through-crack: V_oc = E·L, I_sc = σ·E·w·L (= j_n·L·w).
      out.depolarisationN = 0;
      out.kappa = 1;
      out.rAccOhm = 1 / (sigmaSPerM * widthM);
      out.aCtM2 = a * widthM;
      out.shortCircuitAreaM2 = lengthM * widthM;
      return out;
    case 'penny':
      // Field in the disk plane: N → 0, I_sc = 4a²·j_n (exact), A_ct from the kinetic limit.
      out.depolarisationN = 0;
      out.kappa = 1;
      out.rAccOhm = 1 / (sigmaSPerM * lengthM);
      out.aCtM2 = (lengthM * lengthM) / 3;
      out.shortCircuitAreaM2 = 4 * a * a;
      return out;
    case 'sphere':
      // N = 1/3: κ = 3/2, I_sc = 3πR²·j_n, R_acc = 1/(πσR), A_ct = πR².
      out.depolarisationN = 1 / 3;
      out.kappa = 1.5;
      out.rAccOhm = 1 / (Math.PI * sigmaSPerM * a);
      out.aCtM2 = Math.PI * a * a;
      out.shortCircuitAreaM2 = 3 * Math.PI * a * a;
      return out;
    case 'prolate': {
      const n = prolateDepolarisationFactor(aspectRatio);
      const b = a / aspectRatio;
      // V_oc = 2a·E·κ, I_sc = σ·E·πb²/N.
      out.depolarisationN = n;
      out.kappa = 1 / (1 - n);
      out.rAccOhm = (2 * a * n) / (Math.PI * sigmaSPerM * b * b * (1 - n));
      out.aCtM2 = (2 * Math.PI * a * b) / 3;
      out.shortCircuitAreaM2 = (Math.PI * b * b) / n;
      return out;
    }
  }
}
