/**
 * Value types of the generic bounded least-squares fitter. Parameters are given in user units;
 * the fitter works in internal coordinates u (log for positive parameters, scaled otherwise).
 */

/** How a parameter is mapped to the fitter's internal coordinate. */
export type ParameterTransform = 'log' | 'linear';

/** One adjustable parameter. */
export interface ParameterSpec {
  /** Name used in reports (e.g. "h_ext_um"). */
  name: string;
  /** Lower bound in user units (> 0 for 'log'); may be -Infinity for 'linear'. */
  lower: number;
  /** Upper bound in user units; may be +Infinity for 'linear'. */
  upper: number;
  /** 'log': u = ln x (positive parameters); 'linear': u = (x − lower)/(upper − lower), or x/scale if unbounded. */
  transform: ParameterTransform;
  /** Scale for an unbounded linear parameter (default 1). */
  scale?: number;
  /** Start value for the first start (default: centre of the internal box). */
  initial?: number;
  /** Value to fix this parameter at if it turns out not identifiable (default: its fitted value). */
  fallbackValue?: number;
  /** Unit label for reports. */
  unit?: string;
}

/** Robust loss ρ applied to squared normalised residuals. */
export type LossName = 'linear' | 'soft_l1';

/**
 * A least-squares problem: minimise ½ Σ f_scale² ρ((r_i/f_scale)²) over bounded parameters.
 * Residuals should already be normalised (divided by their σ).
 */
export interface LeastSquaresProblem {
  parameters: ParameterSpec[];
  /** Number of residuals m. */
  nResiduals: number;
  /** Normalised residuals r(x) (length m) for parameters in user units. */
  residuals(x: Float64Array): Float64Array;
  /**
   * Linear nuisance parameters eliminated inside `residuals` (variable projection); they count
   * against the degrees of freedom n − p − eliminatedDof. Default 0.
   */
  eliminatedDof?: number;
}

/** Options of a single local solve. */
export interface LocalSolveOptions {
  loss: LossName;
  /** Soft threshold of the robust loss in normalised residual units (default 1). */
  fScale: number;
  /** Relative forward-difference step on internal coordinates (default 1e-4). */
  diffStep: number;
  maxIterations: number;
  /** Stop when the relative cost decrease of an accepted step is below ftol. */
  ftol: number;
  /** Stop when the step is below xtol·(xtol + |u|). */
  xtol: number;
  /** Stop when the projected gradient (∞-norm) is below gtol. */
  gtol: number;
  /**
   * Rank-1 (Broyden) Jacobian updates allowed between forward-difference Jacobians (default 0:
   * a fresh forward-difference Jacobian every accepted step). Stops are always confirmed with,
   * and results always carry, a forward-difference Jacobian.
   */
  broydenUpdates: number;
}

/** Why a local solve stopped. */
/** 'joined': a multi-start run entered a basin already found and was stopped there. */
export type StopReason = 'ftol' | 'xtol' | 'gtol' | 'max-iterations' | 'stalled' | 'non-finite' | 'joined';

/** Result of one local solve. */
export interface LocalSolveResult {
  /** Parameters in user units. */
  x: Float64Array;
  /** Internal coordinates. */
  u: Float64Array;
  /** Robust cost ½ Σ f² ρ(z). */
  cost: number;
  /** Plain χ² = Σ r². */
  chi2: number;
  residuals: Float64Array;
  /** Jacobian of the raw residuals w.r.t. internal coordinates (m×p row-major) at u. */
  jacobian: Float64Array;
  iterations: number;
  evaluations: number;
  converged: boolean;
  stopReason: StopReason;
  /** Indices of parameters resting on a bound. */
  activeBounds: number[];
}
