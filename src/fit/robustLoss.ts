/**
 * Robust loss functions on z = (r/f)²: ρ(z) and its derivatives, and the residual/Jacobian
 * rescaling that turns an IRLS-style Gauss–Newton step into a step on the robust cost
 * (the same construction as SciPy's least_squares).
 */
import type { LossName } from './types.js';

/** Robust cost ½ Σ f² ρ((r_i/f)²). */
export function robustCost(r: Float64Array, loss: LossName, fScale: number): number {
  let s = 0;
  if (loss === 'linear') {
    for (let i = 0; i < r.length; i++) s += r[i] * r[i];
    return 0.5 * s;
  }
  const f2 = fScale * fScale;
  for (let i = 0; i < r.length; i++) {
    const z = (r[i] * r[i]) / f2;
    s += 2 * (Math.sqrt(1 + z) - 1);
  }
  return 0.5 * f2 * s;
}

/**
 * Weights so that (w_J·J)ᵀ(w_J·J) and (w_J·J)ᵀ(w_r·r) are the Gauss–Newton Hessian and gradient
 * of the robust cost. For soft-ℓ1: ρ' = (1+z)^-½, ρ'' = −½(1+z)^-3/2, w_J = √(ρ' + 2zρ''),
 * w_r = ρ'/w_J.
 */
export function robustWeights(r: Float64Array, loss: LossName, fScale: number): { wJ: Float64Array; wR: Float64Array } {
  const m = r.length;
  const wJ = new Float64Array(m);
  const wR = new Float64Array(m);
  if (loss === 'linear') {
    wJ.fill(1);
    wR.fill(1);
    return { wJ, wR };
  }
  const f2 = fScale * fScale;
  for (let i = 0; i < m; i++) {
    const z = (r[i] * r[i]) / f2;
    const rho1 = 1 / Math.sqrt(1 + z);
    const scaleJ = Math.max(rho1 / (1 + z), 1e-16); // ρ' + 2zρ'' = (1+z)^-3/2
    wJ[i] = Math.sqrt(scaleJ);
    wR[i] = (rho1 / wJ[i]) * 1;
  }
  return { wJ, wR };
}
