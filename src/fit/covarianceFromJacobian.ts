/**
 * Asymptotic covariance of the estimate: Cov = s²·(JᵀJ)⁻¹ with s² = χ²/(n − p − eliminated),
 * computed in internal coordinates and propagated to user units (dx/du on the diagonal),
 * plus correlations and the conditioning of the correlation-scaled JᵀJ.
 */
import { normalEquations, symmetricEigen, symmetricPseudoInverse } from './denseLinearAlgebra.js';
import { derivativeFromInternal } from './parameterTransform.js';
import type { LeastSquaresProblem, LocalSolveResult } from './types.js';

/** Covariance summary of a local solution. */
export interface CovarianceSummary {
  /** Residual variance s² = χ²/dof. */
  s2: number;
  dof: number;
  /** Covariance in internal coordinates (p×p row-major). */
  covInternal: Float64Array;
  /** Covariance in user units. */
  covUser: Float64Array;
  /** Standard errors in internal coordinates. */
  seInternal: Float64Array;
  /** Standard errors in user units. */
  seUser: Float64Array;
  /** Correlation matrix (p×p row-major); NaN where a variance is zero or undefined. */
  correlation: Float64Array;
  /** Condition number of the correlation-scaled JᵀJ (∞ when singular). */
  conditionNumber: number;
  /** Numerical rank of JᵀJ. */
  rank: number;
  /** Eigenvector (per parameter component) of the smallest eigenvalue of the scaled JᵀJ. */
  weakestDirection: Float64Array;
  /** Diagonal of JᵀJ (sensitivity of the residuals to each internal coordinate). */
  sensitivity: Float64Array;
}

/** Compute the covariance summary at a local solution (plain, non-robust residuals). */
export function covarianceFromJacobian(problem: LeastSquaresProblem, sol: LocalSolveResult): CovarianceSummary {
  const p = problem.parameters.length;
  const m = problem.nResiduals;
  const dof = m - p - (problem.eliminatedDof ?? 0);
  const s2 = dof > 0 ? sol.chi2 / dof : Number.NaN;
  const { jtj } = normalEquations(sol.jacobian, sol.residuals, m, p);
  const sensitivity = new Float64Array(p);
  const dmax = Math.max(0, ...Array.from({ length: p }, (_, k) => jtj[k * p + k]));
  const dScale = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    sensitivity[k] = jtj[k * p + k];
    dScale[k] = jtj[k * p + k] > 1e-14 * dmax && jtj[k * p + k] > 0 ? 1 / Math.sqrt(jtj[k * p + k]) : 0;
  }
  // Scale to unit diagonal so the condition number measures collinearity, not units.
  const scaled = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) scaled[a * p + b] = jtj[a * p + b] * dScale[a] * dScale[b];
  for (let k = 0; k < p; k++) if (dScale[k] === 0) scaled[k * p + k] = 0;
  const eig = symmetricEigen(scaled, p);
  const weakestDirection = new Float64Array(p);
  for (let k = 0; k < p; k++) weakestDirection[k] = p > 0 ? eig.vectors[k * p + 0] : 0;
  const pinv = symmetricPseudoInverse(scaled, p, 1e-13);
  const covInternal = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      const v = pinv.inverse[a * p + b] * dScale[a] * dScale[b] * s2;
      covInternal[a * p + b] = dScale[a] === 0 || dScale[b] === 0 ? Number.NaN : v;
    }
  }
  const seInternal = new Float64Array(p);
  const seUser = new Float64Array(p);
  const covUser = new Float64Array(p * p);
  const dxdu = problem.parameters.map((s, k) => derivativeFromInternal(s, sol.u[k]));
  for (let a = 0; a < p; a++) {
    seInternal[a] = Math.sqrt(covInternal[a * p + a]);
    seUser[a] = seInternal[a] * dxdu[a];
    for (let b = 0; b < p; b++) covUser[a * p + b] = covInternal[a * p + b] * dxdu[a] * dxdu[b];
  }
  const correlation = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      correlation[a * p + b] = a === b ? 1 : covInternal[a * p + b] / (seInternal[a] * seInternal[b]);
    }
  }
  const cond = pinv.rank < p ? Number.POSITIVE_INFINITY : pinv.conditionNumber;
  return { s2, dof, covInternal, covUser, seInternal, seUser, correlation, conditionNumber: cond, rank: pinv.rank, weakestDirection, sensitivity };
}
