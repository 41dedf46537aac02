/**
 * The full estimation workflow on a bounded least-squares problem:
 *   1. multi-start local solves (Sobol starts) → best solution and other basins;
 *   2. covariance s²(JᵀJ)⁻¹ and correlations;
 *   3. identifiability: a parameter that is unconstrained, |corr| > 0.99 with another, or along a
 *      near-singular direction is fixed (at its fallback value or its estimate) and the fit redone;
 *   4. profile-likelihood 95 % intervals (re-optimising the others); a flat profile also
 *      triggers step 3;
 *   5. optional parametric bootstrap (percentile intervals).
 */
import { quantile } from 'simple-statistics';
import { solveInternal, internalProblem, DEFAULT_LOCAL_SOLVE_OPTIONS } from './boundedLeastSquares.js';
import { covarianceFromJacobian, type CovarianceSummary } from './covarianceFromJacobian.js';
import { fixParameters } from './fixParameters.js';
import { identifiabilityIssue, type IdentifiabilityThresholds } from './identifiabilityIssue.js';
import { multiStartLeastSquares, type Basin, type MultiStartOptions } from './multiStartLeastSquares.js';
import { fromInternal, toInternal, vectorFromInternal, vectorToInternal } from './parameterTransform.js';
import { profileLikelihood, type ProfileResult } from './profileLikelihood.js';
import { seededRandom, type SeededRandom } from './seededRandom.js';
import type { LeastSquaresProblem, LocalSolveOptions, LocalSolveResult, ParameterSpec } from './types.js';

/** How a reported 95 % interval was obtained. */
export type CiMethod = 'profile' | 'jacobian' | 'bootstrap' | 'fixed';

/** Parametric bootstrap request. */
export interface BootstrapRequest {
  replicates: number;
  seed: number;
  /**
   * A problem with the same parameters whose data were simulated at `xFull` plus noise from
   * `rng`; `s2` is the residual variance χ²/dof of the point estimate (scale the noise by √s2).
   */
  resample(rng: SeededRandom, xFull: Float64Array, s2: number): LeastSquaresProblem;
}

/** Options of fitLeastSquares (all optional; defaults in DEFAULT_FIT_OPTIONS). */
export interface FitOptions extends MultiStartOptions, IdentifiabilityThresholds {
  /** Names to profile when free ('all' = every free parameter). Default 'all'. */
  profile: 'all' | string[];
  /** Detect and fix non-identifiable parameters (default true). */
  identifiability: boolean;
  /** Parametric bootstrap (off by default). */
  bootstrap: BootstrapRequest | null;
  /** Names whose profile is also computed before they are fixed as not identifiable (e.g. j0). */
  profileBeforeFixing: string[];
  /** Starts used when refitting after fixing a parameter (default: same as `starts`). */
  refitStarts?: number;
}

/** Defaults: linear loss, 12 starts, Δχ² 4, |corr| 0.99, condition 1e10, profile all, no bootstrap. */
export const DEFAULT_FIT_OPTIONS: FitOptions = {
  ...DEFAULT_LOCAL_SOLVE_OPTIONS,
  starts: 12,
  basinDeltaChi2: 4,
  joinDeltaCost: 0.5,
  maxAbsCorrelation: 0.99,
  maxCondition: 1e10,
  fixPreference: [],
  profile: 'all',
  profileBeforeFixing: [],
  identifiability: true,
  bootstrap: null,
};

/** Estimate and uncertainty of one parameter. */
export interface ParameterEstimate {
  name: string;
  unit: string | undefined;
  value: number;
  /** True when the parameter was fixed by the identifiability step. */
  fixed: boolean;
  /** Jacobian standard error (user units), null when fixed. */
  se: number | null;
  /** Reported 95 % interval (profile > bootstrap > jacobian preference as documented). */
  ci95: [number, number] | null;
  ciMethod: CiMethod;
  ci95Jacobian: [number, number] | null;
  ci95Profile: [number, number] | null;
  ci95Bootstrap: [number, number] | null;
  profile: ProfileResult | null;
  /** True when the estimate rests on a bound. */
  atBound: boolean;
}

/** A parameter fixed because the data do not determine it. */
export interface NotIdentifiable {
  name: string;
  reason: string;
  /** Value it was fixed at (user units). */
  fixedAt: number;
  /** Estimate before fixing. */
  estimateBeforeFixing: number;
  /** Profile computed before fixing (when requested for this parameter). */
  profile: ProfileResult | null;
}

/** Result of the full workflow. */
export interface FitResult {
  parameters: ParameterEstimate[];
  /** All parameters (user units), fixed ones at their fixed values. */
  x: Float64Array;
  converged: boolean;
  cost: number;
  chi2: number;
  chi2Red: number;
  dof: number;
  nResiduals: number;
  /** Names of the parameters free in the final fit (order of `correlation`). */
  freeNames: string[];
  /** Correlation matrix of the free parameters (row-major). */
  correlation: Float64Array;
  covariance: CovarianceSummary;
  notIdentifiable: NotIdentifiable[];
  startsRun: number;
  startsConverged: number;
  /** Other local minima within Δχ² < basinDeltaChi2 (full parameter vectors). */
  otherBasins: Basin[];
  residuals: Float64Array;
  evaluations: number;
  elapsedMs: number;
  /** Timing of the point estimate (multi-start + covariance) without profiles/bootstrap [ms]. */
  estimateMs: number;
  bootstrapReplicatesConverged: number | null;
}

const Z95 = 1.959963984540054;

function jacobianCi(spec: ParameterSpec, u: number, seU: number): [number, number] | null {
  if (!Number.isFinite(seU)) return null;
  const lo = Math.max(spec.lower, fromInternal(spec, u - Z95 * seU));
  const hi = Math.min(spec.upper, fromInternal(spec, u + Z95 * seU));
  return [lo, hi];
}

function wantsProfile(opt: FitOptions, name: string): boolean {
  return opt.profile === 'all' || opt.profile.includes(name);
}

interface Stage {
  sub: ReturnType<typeof fixParameters>;
  best: LocalSolveResult;
  cov: CovarianceSummary;
  basins: Basin[];
  startsRun: number;
  startsConverged: number;
}

/**
 * Fit a bounded least-squares problem with multi-start, identifiability handling and
 * profile-likelihood intervals.
 * @throws Error when the problem cannot be evaluated at any start
 */
export function fitLeastSquares(problem: LeastSquaresProblem, options: Partial<FitOptions> = {}): FitResult {
  const t0 = performance.now();
  const opt: FitOptions = { ...DEFAULT_FIT_OPTIONS, ...options };
  const localOpt: LocalSolveOptions = {
    loss: opt.loss, fScale: opt.fScale, diffStep: opt.diffStep, maxIterations: opt.maxIterations, ftol: opt.ftol, xtol: opt.xtol, gtol: opt.gtol, broydenUpdates: opt.broydenUpdates,
  };
  const specs = problem.parameters;
  const p = specs.length;
  const fixed = new Map<number, number>();
  const notIdentifiable: NotIdentifiable[] = [];
  let evaluations = 0;
  let estimateMs = 0;
  let warm: Float64Array | null = null; // full-vector start for refits

  const runStage = (starts: number): Stage => {
    const ts = performance.now();
    const sub = fixParameters(problem, fixed);
    const subProblem: LeastSquaresProblem = warm
      ? { ...sub.problem, parameters: sub.problem.parameters.map((s, i) => ({ ...s, initial: warm![sub.freeIndices[i]] })) }
      : sub.problem;
    const ms = multiStartLeastSquares(subProblem, { ...opt, starts });
    evaluations += ms.evaluations;
    const cov = covarianceFromJacobian(subProblem, ms.best);
    estimateMs += performance.now() - ts;
    return {
      sub: { ...sub, problem: subProblem },
      best: ms.best,
      cov,
      basins: ms.otherBasins.map((b) => ({ ...b, x: sub.expand(b.x) })),
      startsRun: ms.startsRun,
      startsConverged: ms.startsConverged,
    };
  };

  let stage = runStage(opt.starts);
  let profiles = new Map<number, ProfileResult>();
  for (let round = 0; round < 2 * p + 2; round++) {
    const freeSpecs = stage.sub.problem.parameters;
    // (3) Jacobian-based identifiability.
    const issue = opt.identifiability && freeSpecs.length > 1 ? identifiabilityIssue(freeSpecs, stage.cov, opt) : null;
    if (issue) {
      const kFull = stage.sub.freeIndices[issue.index];
      const spec = specs[kFull];
      const estimate = stage.best.x[issue.index];
      let prof: ProfileResult | null = null;
      if (opt.profileBeforeFixing.includes(spec.name)) {
        prof = profileLikelihood(stage.sub.problem, issue.index, stage.best, stage.cov.s2, stage.cov.seInternal[issue.index], localOpt);
        evaluations += prof.evaluations;
      }
      const at = spec.fallbackValue ?? estimate;
      notIdentifiable.push({ name: spec.name, reason: `${issue.reason}; fixed at ${fmtVal(at)}${spec.unit ? ' ' + spec.unit : ''} (${spec.fallbackValue !== undefined ? 'its default' : 'its estimate'})`, fixedAt: at, estimateBeforeFixing: estimate, profile: prof });
      fixed.set(kFull, at);
      warm = stage.sub.expand(stage.best.x);
      stage = runStage(opt.refitStarts ?? opt.starts);
      continue;
    }
    // (4) Profiles.
    profiles = new Map();
    let flatIssue: { index: number; prof: ProfileResult } | null = null;
    let better: Float64Array | null = null;
    for (let i = 0; i < freeSpecs.length; i++) {
      if (!wantsProfile(opt, freeSpecs[i].name)) continue;
      const prof = profileLikelihood(stage.sub.problem, i, stage.best, stage.cov.s2, stage.cov.seInternal[i], localOpt);
      evaluations += prof.evaluations;
      profiles.set(i, prof);
      if (prof.betterMinimum && !better) better = prof.betterMinimum.x;
      if (prof.flat && !flatIssue && opt.identifiability && freeSpecs.length > 1) flatIssue = { index: i, prof };
    }
    if (better) {
      // The profile walk found a lower minimum: restart the local fit there and redo the checks.
      const ip = internalProblem(stage.sub.problem);
      const res = solveInternal(ip, vectorToInternal(stage.sub.problem.parameters, better), localOpt);
      evaluations += ip.evaluations;
      const x = vectorFromInternal(stage.sub.problem.parameters, res.u);
      if (res.cost < stage.best.cost) {
        const bestNew = { ...res, x };
        stage = { ...stage, best: bestNew, cov: covarianceFromJacobian(stage.sub.problem, bestNew) };
        continue;
      }
    }
    if (flatIssue) {
      const kFull = stage.sub.freeIndices[flatIssue.index];
      const spec = specs[kFull];
      const estimate = stage.best.x[flatIssue.index];
      const at = spec.fallbackValue ?? estimate;
      const pr = flatIssue.prof;
      const side =
        pr.upperOpen && !pr.lowerOpen
          ? `above ${fmtVal(pr.ci95[0])} (2ΔNLL stays < 3.84 up to ${fmtVal(pr.ci95[1])}`
          : pr.lowerOpen && !pr.upperOpen
            ? `below ${fmtVal(pr.ci95[1])} (2ΔNLL stays < 3.84 down to ${fmtVal(pr.ci95[0])}`
            : `over ${fmtVal(pr.ci95[0])}–${fmtVal(pr.ci95[1])} (2ΔNLL < 3.84 throughout`;
      notIdentifiable.push({
        name: spec.name,
        reason: `profile likelihood flat ${side}; bounds [${fmtVal(spec.lower)}, ${fmtVal(spec.upper)}]); fixed at ${fmtVal(at)}${spec.unit ? ' ' + spec.unit : ''} (${spec.fallbackValue !== undefined ? 'its default' : 'its estimate'})`,
        fixedAt: at,
        estimateBeforeFixing: estimate,
        profile: pr,
      });
      fixed.set(kFull, at);
      warm = stage.sub.expand(stage.best.x);
      stage = runStage(opt.refitStarts ?? opt.starts);
      continue;
    }
    break;
  }

  // (5) Bootstrap.
  const freeSpecs = stage.sub.problem.parameters;
  const nFree = freeSpecs.length;
  const xFull = stage.sub.expand(stage.best.x);
  let bootCis: Array<[number, number] | null> = new Array(nFree).fill(null);
  let bootConverged: number | null = null;
  if (opt.bootstrap && opt.bootstrap.replicates > 0) {
    const samples: number[][] = Array.from({ length: nFree }, () => []);
    bootConverged = 0;
    for (let b = 0; b < opt.bootstrap.replicates; b++) {
      const rng = seededRandom(opt.bootstrap.seed + 7919 * b);
      const prob = opt.bootstrap.resample(rng, xFull, stage.cov.s2);
      const sub = fixParameters(prob, fixed);
      const ip = internalProblem(sub.problem);
      try {
        const res = solveInternal(ip, vectorToInternal(freeSpecs, stage.best.x), localOpt);
        evaluations += ip.evaluations;
        if (!res.converged) continue;
        bootConverged += 1;
        const xb = vectorFromInternal(freeSpecs, res.u);
        for (let i = 0; i < nFree; i++) samples[i].push(xb[i]);
      } catch {
        continue;
      }
    }
    bootCis = samples.map((s) => (s.length >= 10 ? [quantile(s, 0.025), quantile(s, 0.975)] as [number, number] : null));
  }

  // Assemble per-parameter estimates.
  const parameters: ParameterEstimate[] = specs.map((spec, k) => {
    const i = stage.sub.freeIndices.indexOf(k);
    if (i < 0) {
      return { name: spec.name, unit: spec.unit, value: fixed.get(k)!, fixed: true, se: null, ci95: null, ciMethod: 'fixed', ci95Jacobian: null, ci95Profile: null, ci95Bootstrap: null, profile: null, atBound: false };
    }
    const u = stage.best.u[i];
    const ciJ = jacobianCi(spec, u, stage.cov.seInternal[i]);
    const prof = profiles.get(i) ?? null;
    const ciP = prof ? prof.ci95 : null;
    const ciB = bootCis[i];
    const [method, ci]: [CiMethod, [number, number] | null] = ciB ? ['bootstrap', ciB] : ciP ? ['profile', ciP] : ['jacobian', ciJ];
    const tol = 1e-9 * Math.max(1, Math.abs(u));
    const [ilo, ihi] = [toInternal(spec, spec.lower), Number.isFinite(spec.upper) ? toInternal(spec, spec.upper) : Number.POSITIVE_INFINITY];
    return {
      name: spec.name,
      unit: spec.unit,
      value: stage.best.x[i],
      fixed: false,
      se: Number.isFinite(stage.cov.seUser[i]) ? stage.cov.seUser[i] : null,
      ci95: ci,
      ciMethod: method,
      ci95Jacobian: ciJ,
      ci95Profile: ciP,
      ci95Bootstrap: ciB,
      profile: prof,
      atBound: Math.abs(u - ilo) < tol || Math.abs(u - ihi) < tol,
    };
  });

  const dof = stage.cov.dof;
  return {
    parameters,
    x: xFull,
    converged: stage.best.converged,
    cost: stage.best.cost,
    chi2: stage.best.chi2,
    chi2Red: dof > 0 ? stage.best.chi2 / dof : Number.NaN,
    dof,
    nResiduals: problem.nResiduals,
    freeNames: freeSpecs.map((s) => s.name),
    correlation: stage.cov.correlation,
    covariance: stage.cov,
    notIdentifiable,
    startsRun: stage.startsRun,
    startsConverged: stage.startsConverged,
    otherBasins: stage.basins,
    residuals: stage.best.residuals,
    evaluations,
    elapsedMs: performance.now() - t0,
    estimateMs,
    bootstrapReplicatesConverged: bootConverged,
  };
}

function fmtVal(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
