/**
 * MODEL.md §3 D3: Thevenin model of a Li-filled crack connected to the plating electrode, with
 * one charge-transfer step (deposition at the crack faces) and a crack-extension threshold:
 *
 *   E·ℓ + η_e(j_n) − η_th(ℓ) = I·R_acc + η_c(I/A_ct),
 *   R_acc = E·ℓ/I_sc(ℓ) (I_sc from D2),  A_ct = ℓ·w,  η_th(ℓ) = (V_m/F)·K_IC/(Y·√(π·ℓ)),
 *   dℓ/dt = V_m·I/(F·h_eff·w).
 *
 * E = j_n/σ; η_e is the flat plating electrode's own (cathodic) overpotential, which the
 * dendrite, being part of that electrode, bypasses. Everything is per unit width w.
 */
import { F_OVER_VM_PA_PER_V } from '../../core/units.js';
import { adaptiveQuadrature } from '../numerics/adaptiveQuadrature.js';
import { monotoneRoot } from '../numerics/monotoneRoot.js';
import { ScalarDopri } from '../numerics/scalarDopri.js';
import { bvOverpotentialV } from './butlerVolmer.js';
import { crackExtensionOverpotentialV } from './crackMechanics.js';
import { dendriteCollectionPerWidthAPerM } from './dendriteCollection.js';
import { theveninCurrentA } from './theveninCurrent.js';

export interface DendriteParams {
  /** Electrolyte thickness d [m]. */
  gapM: number;
  /** Applied current density j_n [A/m²] (> 0: plating at the dendrite's electrode). */
  jnAPerM2: number;
  /** Ionic conductivity σ [S/m]. */
  sigmaSPerM: number;
  /** Exchange current density [A/m²]. */
  j0APerM2: number;
  /** Anodic transfer coefficient (α_c = 1 − α_a). */
  alphaA: number;
  temperatureK: number;
  /** Fracture toughness K_IC [Pa·m^½]. */
  kIcPaSqrtM: number;
  /** Geometry factor Y (1.12 for an edge crack from the electrode). */
  geometryFactorY: number;
  /** Effective fill thickness h_eff [m]. */
  hEffM: number;
}

/** Flat-electrode plating overpotential magnitude η_e = |η_c(j_n)| [V] (2.4142 mV at 4.7 A/m², j0 = 50). */
export function electrodePlatingOverpotentialV(p: DendriteParams): number {
  return -bvOverpotentialV(-Math.abs(p.jnAPerM2), p.j0APerM2, p.alphaA, p.temperatureK);
}

/** Crack-extension threshold of a dendrite of length ℓ, η_th(ℓ) [V]. */
export function dendriteThresholdV(lengthM: number, p: DendriteParams): number {
  return crackExtensionOverpotentialV(lengthM, p.kIcPaSqrtM, p.geometryFactorY);
}

/** Available drive E·ℓ + η_e − η_th(ℓ) [V] (may be negative: no growth). */
export function dendriteDriveV(lengthM: number, p: DendriteParams): number {
  return (p.jnAPerM2 / p.sigmaSPerM) * lengthM + electrodePlatingOverpotentialV(p) - dendriteThresholdV(lengthM, p);
}

/**
 * Current per unit width collected and deposited by the dendrite at length ℓ.
 * @returns I/w [A/m] (0 below ℓ_min)
 */
export function dendriteCurrentPerWidthAPerM(lengthM: number, p: DendriteParams): number {
  const drive = dendriteDriveV(lengthM, p);
  if (!(drive > 0)) return 0;
  const e = p.jnAPerM2 / p.sigmaSPerM;
  const iScPerW = dendriteCollectionPerWidthAPerM(lengthM, p.gapM, p.jnAPerM2);
  // Per unit width: R_acc·w = E·ℓ/(I_sc/w), A_ct/w = ℓ.
  return theveninCurrentA({
    driveV: drive,
    rAccOhm: (e * lengthM) / iScPerW,
    aCtM2: lengthM,
    j0APerM2: p.j0APerM2,
    alphaA: p.alphaA,
    temperatureK: p.temperatureK,
    kinetics: 'bv',
    ends: 1,
  });
}

/**
 * Tip velocity dℓ/dt = V_m·(I/w)/(F·h_eff).
 * @returns [m/s] (7.1600 µm/s at ℓ = 500 µm for the T16 set; 0 below ℓ_min)
 */
export function dendriteVelocityMPerS(lengthM: number, p: DendriteParams): number {
  return dendriteCurrentPerWidthAPerM(lengthM, p) / (F_OVER_VM_PA_PER_V * p.hEffM);
}

/**
 * Minimum length that can grow, where E·ℓ + η_e = η_th(ℓ) (the drive is increasing in ℓ).
 * @returns ℓ_min [m] (60.914 µm for T16); 0 if even ℓ → 0 grows (impossible for K_IC > 0), d if none < d
 */
export function dendriteMinimumLengthM(p: DendriteParams): number {
  const e = p.jnAPerM2 / p.sigmaSPerM;
  const hi = p.gapM;
  if (dendriteDriveV(hi, p) <= 0) return hi;
  return monotoneRoot(
    (l) => [dendriteDriveV(l, p), e + (0.5 * dendriteThresholdV(l, p)) / l] as const,
    1e-18 * hi,
    hi,
    { xRelTol: 1e-14 },
  );
}

/**
 * Time to grow from ℓ0 to ℓ1 (ℓ_min < ℓ0 < ℓ1 < d): t = ∫ dℓ / v(ℓ), by adaptive quadrature.
 * @returns [s] (115.512 s from 200 µm to 0.999·d for T16); Infinity if ℓ0 ≤ ℓ_min
 */
export function dendriteGrowthTimeS(fromLengthM: number, toLengthM: number, p: DendriteParams): number {
  if (dendriteVelocityMPerS(fromLengthM, p) <= 0) return Infinity;
  return adaptiveQuadrature((l) => 1 / dendriteVelocityMPerS(l, p), fromLengthM, toLengthM, { relTol: 1e-10 });
}

/**
 * Dendrite length at the requested times (sorted, ≥ 0, from ℓ0 at t = 0) by integrating D3
 * with adaptive RK45 (rtol 1e-8). Growth stops at ℓ = d (short): later lengths are d.
 * @returns ℓ(t) [m]
 */
export function dendriteLengthTrajectoryM(initialLengthM: number, timesS: ArrayLike<number>, p: DendriteParams, rtol = 1e-8): Float64Array {
  const out = new Float64Array(timesS.length);
  const tEnd = timesS.length > 0 ? timesS[timesS.length - 1] : 0;
  const v0 = dendriteVelocityMPerS(initialLengthM, p);
  if (!(v0 > 0) || tEnd <= 0) return out.fill(initialLengthM);
  const lCap = p.gapM * (1 - 1e-12);
  const rhs = (_t: number, l: number): number => (l >= lCap ? 0 : dendriteVelocityMPerS(Math.max(l, initialLengthM), p));
  const solver = new ScalarDopri(rhs, 0, initialLengthM, tEnd, { rtol, atol: rtol * 1e-9, h0: (0.01 * initialLengthM) / v0 });
  let k = 0;
  while (k < timesS.length && timesS[k] <= 0) out[k++] = initialLengthM;
  while (k < timesS.length && solver.step()) {
    while (k < timesS.length && timesS[k] <= solver.t) {
      out[k] = Math.min(solver.dense(timesS[k]), p.gapM);
      k++;
    }
    if (solver.y >= lCap) break;
  }
  while (k < timesS.length) out[k++] = p.gapM;
  return out;
}
