/**
 * Butler–Volmer kinetics of the Li/Li⁺ couple at a Li|LLZO interface (MODEL.md §0, §2.3):
 *   j = j0·[exp(α_a·f·η) − exp(−α_c·f·η)],  α_c = 1 − α_a,  f = F/(RT),
 * with η anodic (stripping) positive. Forward evaluation, its slope, and a robust inversion
 * (safeguarded Newton started from the α = ½ closed form η = (2/f)·asinh(j/(2·j0)), inside a
 * bracket that is tight for any α_a and any |j|/j0).
 */
import { thermalVoltageV } from '../../core/units.js';
import { monotoneRoot } from '../numerics/monotoneRoot.js';

/**
 * Current density for an overpotential.
 * @param etaV overpotential [V], anodic positive
 * @param j0APerM2 exchange current density [A/m²]
 * @param alphaA anodic transfer coefficient α_a ∈ (0, 1); α_c = 1 − α_a
 * @param temperatureK temperature [K]
 * @returns j [A/m²], anodic positive
 */
export function bvCurrentDensityAPerM2(etaV: number, j0APerM2: number, alphaA: number, temperatureK: number): number {
  const x = etaV / thermalVoltageV(temperatureK);
  // expm1 keeps full relative precision for |x| ≪ 1 (no cancellation of the two exponentials).
  return j0APerM2 * (Math.expm1(alphaA * x) - Math.expm1(-(1 - alphaA) * x));
}

/**
 * Differential conductance dj/dη at an overpotential.
 * @returns dj/dη [A/(m²·V)]
 */
export function bvSlopeAPerM2PerV(etaV: number, j0APerM2: number, alphaA: number, temperatureK: number): number {
  const vt = thermalVoltageV(temperatureK);
  const x = etaV / vt;
  const alphaC = 1 - alphaA;
  return (j0APerM2 / vt) * (alphaA * Math.exp(alphaA * x) + alphaC * Math.exp(-alphaC * x));
}

/**
 * Solve exp(αa·x) − exp(−αc·x) = r for r > 0 (x = f·η > 0). The bracket
 * [max(0, ln r/αa), ln(1 + r)/αa] follows from exp(αa·x) − 1 ≤ r < exp(αa·x).
 */
function solveAnodicScaled(r: number, alphaA: number): number {
  const alphaC = 1 - alphaA;
  const lo = r > 1 ? Math.log(r) / alphaA : 0;
  const hi = Math.log1p(r) / alphaA;
  // α = ½ closed form, exact when alphaA = 0.5.
  const x0 = 2 * Math.asinh(0.5 * r);
  if (alphaA === 0.5) return x0;
  const guess = Math.min(Math.max(x0, lo), hi);
  return monotoneRoot(
    (x) => {
      const ea = Math.expm1(alphaA * x);
      const ec = Math.expm1(-alphaC * x);
      return [ea - ec - r, alphaA * (ea + 1) + alphaC * (ec + 1)] as const;
    },
    lo,
    hi,
    { x0: guess, xRelTol: 1e-15 },
  );
}

/**
 * Overpotential that drives a current density (signed inversion of Butler–Volmer).
 * j > 0 uses the anodic branch, j < 0 the cathodic one; j0 = ∞ gives η = 0.
 * @param jAPerM2 current density [A/m²], anodic positive
 * @param j0APerM2 exchange current density [A/m²] (> 0, may be Infinity)
 * @param alphaA anodic transfer coefficient α_a ∈ (0, 1)
 * @param temperatureK temperature [K]
 * @returns η [V], same sign as j
 */
export function bvOverpotentialV(jAPerM2: number, j0APerM2: number, alphaA: number, temperatureK: number): number {
  if (jAPerM2 === 0 || j0APerM2 === Infinity) return 0;
  const vt = thermalVoltageV(temperatureK);
  const r = jAPerM2 / j0APerM2;
  return r > 0 ? vt * solveAnodicScaled(r, alphaA) : -vt * solveAnodicScaled(-r, 1 - alphaA);
}

/**
 * Charge-transfer resistance per unit area of the linearised kinetics, r_ct = RT/(F·j0)
 * (α_a + α_c = 1). Also the Wagner length divided by σ: λ = σ·r_ct.
 * @returns r_ct [Ω·m²]
 */
export function chargeTransferAreaResistanceOhmM2(j0APerM2: number, temperatureK: number): number {
  return thermalVoltageV(temperatureK) / j0APerM2;
}

/**
 * Wagner length λ = σ·RT/(F·j0): the electrolyte length with the same resistance as the
 * interface. λ ≫ L means kinetics-limited; λ ≪ L, ohmic.
 * @returns λ [m] (51.385 µm for σ = 0.1 S/m, j0 = 50 A/m²)
 */
export function wagnerLengthM(sigmaSPerM: number, j0APerM2: number, temperatureK: number): number {
  return sigmaSPerM * chargeTransferAreaResistanceOhmM2(j0APerM2, temperatureK);
}
