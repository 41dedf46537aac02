/**
 * Public types of Model A, the reduced-order (ODE) model of bipolar migration of an
 * electronically isolated Li inclusion (MODEL.md §2). SI units throughout.
 */
import type { KineticsLaw } from '../relations/theveninCurrent.js';

/** Inclusion shape class (MODEL.md §2.3 table). */
export type Shape = 'strip' | 'penny' | 'sphere' | 'prolate';

/** Parameters of Model A. Construct with `defaultReducedParams()` and override. */
export interface ReducedModelParams {
  /** Shape class: strip = 2D through-crack of out-of-plane extent w; penny with the field in its plane; sphere; slender prolate. */
  shape: Shape;
  /** Prolate aspect ratio a/b (> 1), required for 'prolate'. */
  aspectRatio?: number;
  /** Angle θ between the inclusion axis t̂ and +x (field direction for j_n > 0) [rad]. */
  thetaRad: number;
  /** Ionic conductivity σ [S/m] (1 mS/cm = 0.1 S/m). */
  sigmaSPerM: number;
  /** Out-of-plane extent w of the deposit cross-section [m]; A_dep = h·w (cancels from strip velocities). */
  widthM: number;
  temperatureK: number;
  /** Li thickness deposited when the crack extends, h_ext [m]. */
  hExtM: number;
  /** Initial Li thickness h0 = thickness dissolved at the receding end [m] (r = h_diss/h_ext). */
  hDissM: number;
  /** Li thickness deposited when refilling an already opened crack, h_refill [m]. */
  hRefillM: number;
  /** Exchange current density j0 [A/m²] (Infinity = reversible interface). */
  j0APerM2: number;
  /** Anodic transfer coefficient α_a (α_c = 1 − α_a). */
  alphaA: number;
  /** Extension threshold η_th [V]; null → η_K(a_eff) from K_IC, Y (MODEL.md §1.3, §2.4). Fits give a value. */
  etaThV: number | null;
  /** Fracture toughness K_IC [Pa·m^½] (used when etaThV is null, and by the A+ lag). */
  kIcPaSqrtM: number;
  /** Geometry factor Y (1 through crack, 1.12 edge crack). */
  geometryFactorY: number;
  /** Crack length used in η_K: half the inclusion length, or half the crack envelope. */
  aEff: 'half-length' | 'half-envelope';
  /** Refill threshold η_refill [V] (default 0). */
  etaRefillV: number;
  /** 'bv' full Butler–Volmer, 'linear' linearised kinetics (closed forms exist). */
  kinetics: KineticsLaw;
  /** Softplus width ε [V] that smooths (|U| − η_th)₊ for gradient fits (MODEL.md §2.5: 0.2 mV). 0/undefined = sharp. */
  smoothingEpsV?: number;
  /** A+ pressurisation lag (MODEL.md §2.6): LLZO elastic constants; null/undefined = off. */
  lag?: { youngPa: number; poisson: number } | null;
  /**
   * Thickness ledger h(s) (MODEL.md §2.1, §2.5). Default false: A_diss = h_diss·w always
   * (MODEL.md's default, which T8 assumes) and the centroid is reported as the midpoint. With
   * true, the dissolving end removes the thickness that was deposited there (h_ext, h_refill
   * or the initial h_diss) and the centroid is the Li centroid ∫s·h ds/∫h ds.
   */
  thicknessLedger?: boolean;
  /** Relative tolerance of the RK45 integrator (default 1e-8, MODEL.md §2.5). */
  rtol?: number;
}

/**
 * Piecewise-constant applied current density: jnAPerM2[i] holds on [tS[i], tS[i+1]), the last
 * to +∞; zero before tS[0]. j_n > 0 = ionic current along +x (A→B).
 */
export interface CurrentProgram {
  tS: number[];
  jnAPerM2: number[];
}

/**
 * Initial ends along the inclusion axis t̂ [m] (s1 < s2); lab x runs from electrode A
 * (stripping when j_n > 0) to B (plating).
 */
export interface InclusionState0 {
  s1M: number;
  s2M: number;
  /** Time of this state [s] (default: program.tS[0], or 0 for an empty program). Earlier requested times return this state. */
  t0S?: number;
  /** Crack envelope already opened [m] (default [s1, s2]); must contain [s1, s2]. */
  envelopeLoM?: number;
  envelopeHiM?: number;
}

/** Model A trajectory at the requested times (positions along t̂ [m], current [A]). */
export interface ReducedRun {
  tS: Float64Array;
  s1M: Float64Array;
  s2M: Float64Array;
  /** Li centroid ∫s·h ds/∫h ds along t̂ [m] with the thickness ledger; the midpoint (s1 + s2)/2 without it. */
  centroidM: Float64Array;
  lengthM: Float64Array;
  /** Current through the inclusion I ≥ 0 [A]. */
  currentA: Float64Array;
  /** 0 idle, 1 extension, 2 refill, 3 lag (A+ pressurisation). */
  mode: Uint8Array;
  /** Crack envelope [c_lo, c_hi] along t̂ [m]. */
  envelopeLoM?: Float64Array;
  envelopeHiM?: Float64Array;
  /** Li volume per unit width ∫h ds [m²]: invariant (during A+ lag the moved Li sits in the front crack's elastic opening). */
  volumePerWidthM2?: Float64Array;
}

/** Mode codes of ReducedRun.mode. */
export const MODE_IDLE = 0;
export const MODE_EXTENSION = 1;
export const MODE_REFILL = 2;
export const MODE_LAG = 3;
