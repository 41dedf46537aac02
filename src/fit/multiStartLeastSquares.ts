/**
 * Multi-start bounded least squares: local solves from the user's start and from Sobol points
 * spread over the internal parameter box; the best solution is kept and distinct local minima
 * ("basins") within Δχ² < threshold of the best are reported.
 */
import { solveInternal, internalProblem, DEFAULT_LOCAL_SOLVE_OPTIONS } from './boundedLeastSquares.js';
import { vectorFromInternal, vectorToInternal } from './parameterTransform.js';
import { sobolPoints, SOBOL_MAX_DIMENSION } from './sobolSequence.js';
import type { LeastSquaresProblem, LocalSolveOptions, LocalSolveResult } from './types.js';

/** A distinct local minimum found by the multi-start. */
export interface Basin {
  /** Parameters (user units). */
  x: Float64Array;
  /** Robust cost ½Σf²ρ. */
  cost: number;
  /** 2·(cost − best cost)/s² (s² = χ²_red of the best fit): the Δχ² of this basin. */
  deltaChi2: number;
  /** Number of starts that ended here. */
  hits: number;
}

/** Options of the multi-start driver. */
export interface MultiStartOptions extends LocalSolveOptions {
  /** Number of starts including the user's start (default 12, at least 10 recommended). */
  starts: number;
  /** Basins within this Δχ² of the best are flagged (default 4). */
  basinDeltaChi2: number;
  /**
   * A later start that enters a basin already found (every coordinate within 1 % of its range)
   * with a cost within this margin of that basin's minimum is stopped there (default 0.5, i.e.
   * Δχ² ≈ 1 for unit-variance residuals; 0 disables).
   */
  joinDeltaCost: number;
}

/** Result of the multi-start. */
export interface MultiStartResult {
  best: LocalSolveResult;
  /** All distinct basins, best first. */
  basins: Basin[];
  /** Basins other than the best within Δχ² < basinDeltaChi2. */
  otherBasins: Basin[];
  startsRun: number;
  startsConverged: number;
  evaluations: number;
}

/** Default multi-start options (12 starts, Δχ² < 4 flags another basin). */
export const DEFAULT_MULTI_START_OPTIONS: MultiStartOptions = { ...DEFAULT_LOCAL_SOLVE_OPTIONS, starts: 12, basinDeltaChi2: 4, joinDeltaCost: 0.5 };

/** Same basin when every internal coordinate agrees within 1 % of its range (1e-3 absolute if unbounded). */
function sameBasin(a: Float64Array, b: Float64Array, lower: Float64Array, upper: Float64Array, factor = 1): boolean {
  for (let k = 0; k < a.length; k++) {
    const range = upper[k] - lower[k];
    const tol = factor * (Number.isFinite(range) ? 0.01 * range : 1e-3 * (1 + Math.abs(a[k])));
    if (Math.abs(a[k] - b[k]) > tol) return false;
  }
  return true;
}

/** Start points (internal): the user's start (or the box centre), then Sobol points in the box. */
export function multiStartPoints(problem: LeastSquaresProblem, lower: Float64Array, upper: Float64Array, count: number): Float64Array[] {
  const p = problem.parameters.length;
  const first = new Float64Array(p);
  problem.parameters.forEach((s, k) => {
    if (s.initial !== undefined) first[k] = vectorToInternal([s], [s.initial])[0];
    else if (Number.isFinite(lower[k]) && Number.isFinite(upper[k])) first[k] = 0.5 * (lower[k] + upper[k]);
    else first[k] = Number.isFinite(lower[k]) ? lower[k] + 1 : Number.isFinite(upper[k]) ? upper[k] - 1 : 0;
  });
  const pts = [first];
  if (count <= 1 || p === 0) return pts;
  const boxed = Array.from({ length: p }, (_, k) => Number.isFinite(lower[k]) && Number.isFinite(upper[k]));
  const sob = sobolPoints(count - 1, Math.min(Math.max(p, 1), SOBOL_MAX_DIMENSION));
  for (const s of sob) {
    const u = new Float64Array(p);
    for (let k = 0; k < p; k++) {
      const q = s[k % s.length];
      // Stay a little inside the box so that the first Jacobian is two-sided in spirit.
      u[k] = boxed[k] ? lower[k] + (0.02 + 0.96 * q) * (upper[k] - lower[k]) : first[k] + (q - 0.5) * 2;
    }
    pts.push(u);
  }
  return pts;
}

/**
 * Run local solves from `options.starts` points and keep the best.
 * @throws Error when no start gives finite residuals
 */
export function multiStartLeastSquares(problem: LeastSquaresProblem, options: Partial<MultiStartOptions> = {}): MultiStartResult {
  const opt = { ...DEFAULT_MULTI_START_OPTIONS, ...options };
  const ip = internalProblem(problem);
  const starts = multiStartPoints(problem, ip.lower, ip.upper, Math.max(1, opt.starts));
  const found: Array<{ res: LocalSolveResult; hits: number }> = [];
  // Join margin on the cost: Δχ² ≈ 1 at the residual variance of a typical fit (s² ≈ 1 for
  // normalised residuals), i.e. within the statistical resolution of the minimum.
  const joinCost = opt.joinDeltaCost;
  let converged = 0;
  let lastError: unknown = null;
  for (const u0 of starts) {
    let res: LocalSolveResult;
    try {
      // Stop a run once it is inside a basin already found, at a cost no better than its minimum
      // plus a small margin: it would only re-converge to the same solution.
      const joined = (u: Float64Array, cost: number): boolean =>
        found.some((f) => cost <= f.res.cost + Math.max(joinCost, 1e-6 * f.res.cost) && cost >= f.res.cost - 1e-9 * Math.max(1, f.res.cost) && sameBasin(f.res.u, u, ip.lower, ip.upper));
      const r = solveInternal(ip, u0, opt, joined);
      res = { ...r, x: vectorFromInternal(problem.parameters, r.u) };
    } catch (e) {
      lastError = e;
      continue;
    }
    if (res.converged) converged += 1;
    const same = found.find((f) => sameBasin(f.res.u, res.u, ip.lower, ip.upper));
    if (same) {
      same.hits += 1;
      if (res.cost < same.res.cost) same.res = res;
    } else {
      found.push({ res, hits: 1 });
    }
  }
  if (found.length === 0) throw new Error(`no start point gave finite residuals: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
  found.sort((a, b) => a.res.cost - b.res.cost);
  const best = found[0].res;
  const dof = Math.max(1, problem.nResiduals - problem.parameters.length - (problem.eliminatedDof ?? 0));
  const s2 = Math.max(best.chi2 / dof, 1e-300);
  const basins: Basin[] = found.map((f) => ({ x: f.res.x, cost: f.res.cost, deltaChi2: (2 * (f.res.cost - best.cost)) / s2, hits: f.hits }));
  return {
    best,
    basins,
    otherBasins: basins.slice(1).filter((b) => b.deltaChi2 < opt.basinDeltaChi2),
    startsRun: starts.length,
    startsConverged: converged,
    evaluations: ip.evaluations,
  };
}
