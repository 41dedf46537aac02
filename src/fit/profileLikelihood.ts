/**
 * Profile-likelihood interval of one parameter: walk away from the optimum on each side, at
 * each value re-optimise all other parameters (warm-started), and find where
 * 2ΔNLL = 2·(cost(v) − cost_min)/s² crosses the χ²₁ 95 % quantile 3.84. The crossing is located by
 * regula falsi on √(2ΔNLL) (linear in the parameter near a quadratic minimum). A side that reaches
 * its bound below the threshold is open; an open side far (> 25 % of the internal range) from the
 * estimate marks a flat profile (not identifiable).
 */
import { solveInternal, internalProblem } from './boundedLeastSquares.js';
import { fixParameters } from './fixParameters.js';
import { fromInternal, internalBounds } from './parameterTransform.js';
import type { LeastSquaresProblem, LocalSolveOptions, LocalSolveResult } from './types.js';

/** χ²₁ 95 % quantile. */
export const CHI2_1DOF_95 = 3.841458820694124;

/** One evaluated profile point. */
export interface ProfilePoint {
  /** Parameter value (user units). */
  value: number;
  /** 2ΔNLL relative to the optimum. */
  twoDeltaNll: number;
}

/** Profile-likelihood interval of a parameter. */
export interface ProfileResult {
  name: string;
  /** 95 % interval (user units). */
  ci95: [number, number];
  /** True when that side reached its bound with 2ΔNLL < 3.84. */
  lowerOpen: boolean;
  upperOpen: boolean;
  /** True when a side is open and far from the estimate: the data do not bound the parameter there. */
  flat: boolean;
  /** Evaluated points, sorted by value. */
  points: ProfilePoint[];
  /** Lowest cost seen on the profile below the optimum (a better minimum was found) — or null. */
  betterMinimum: { x: Float64Array; cost: number } | null;
  evaluations: number;
}

/** Options of the profile walk. */
export interface ProfileOptions {
  /** Initial step in internal units (default 0.5·SE or 2 % of the range). */
  initialStep?: number;
  /** Maximum refits per side (default 24). */
  maxStepsPerSide: number;
  /** Regula-falsi refinements of the crossing (default 3). */
  refinements: number;
  /** Fraction of the internal range beyond which an open side means "flat" (default 0.25). */
  flatFraction: number;
  /** Threshold on 2ΔNLL (default 3.84). */
  threshold: number;
}

const DEFAULT_PROFILE: ProfileOptions = { maxStepsPerSide: 24, refinements: 3, flatFraction: 0.25, threshold: CHI2_1DOF_95 };

/**
 * @param problem the problem whose optimum `best` is given
 * @param k index of the profiled parameter
 * @param best the optimum
 * @param s2 residual variance used to scale 2Δcost (χ²_red of the optimum)
 * @param seInternal Jacobian standard error of parameter k in internal units (for the step)
 */
export function profileLikelihood(
  problem: LeastSquaresProblem,
  k: number,
  best: LocalSolveResult,
  s2: number,
  seInternal: number,
  solveOptions: LocalSolveOptions,
  options: Partial<ProfileOptions> = {},
): ProfileResult {
  const opt = { ...DEFAULT_PROFILE, ...options };
  const spec = problem.parameters[k];
  const [lo, hi] = internalBounds(spec);
  const range = hi - lo;
  const uHat = best.u[k];
  const p = problem.parameters.length;
  const others = Array.from({ length: p }, (_, i) => i).filter((i) => i !== k);
  let evaluations = 0;
  let betterMinimum: ProfileResult['betterMinimum'] = null;
  const scale = Math.max(s2, 1e-300);
  const points: ProfilePoint[] = [{ value: fromInternal(spec, uHat), twoDeltaNll: 0 }];

  // Evaluate the profile at internal value v, warm-starting the others from `start` (internal).
  const evalAt = (v: number, start: Float64Array): { d: number; uOthers: Float64Array<ArrayBufferLike> } => {
    const xk = fromInternal(spec, v);
    const sub = fixParameters(problem, new Map([[k, Math.min(spec.upper, Math.max(spec.lower, xk))]]));
    const ip = internalProblem(sub.problem);
    const res = solveInternal(ip, start, solveOptions);
    evaluations += ip.evaluations;
    if (res.cost < best.cost - 1e-9 * Math.max(1, best.cost) && (!betterMinimum || res.cost < betterMinimum.cost)) {
      const full = new Float64Array(p);
      others.forEach((i, j) => {
        full[i] = fromInternal(problem.parameters[i], res.u[j]);
      });
      full[k] = xk;
      betterMinimum = { x: full, cost: res.cost };
    }
    return { d: Math.max(0, (2 * (res.cost - best.cost)) / scale), uOthers: res.u };
  };

  const sideResult = (dir: 1 | -1): { end: number; open: boolean } => {
    const bound = dir > 0 ? hi : lo;
    const finiteRange = Number.isFinite(range) ? range : 100 * (1 + Math.abs(uHat));
    let step = opt.initialStep ?? (Number.isFinite(seInternal) && seInternal > 0 ? Math.min(0.5 * seInternal, 0.05 * finiteRange) : 0.02 * finiteRange);
    step = Math.max(step, 1e-9 * Math.max(finiteRange, 1));
    let prevV = uHat;
    let prevD = 0;
    let prevStart: Float64Array = Float64Array.from(others.map((i) => best.u[i]));
    if ((dir > 0 && uHat >= hi) || (dir < 0 && uHat <= lo)) return { end: uHat, open: true };
    for (let n = 0; n < opt.maxStepsPerSide; n++) {
      let v = prevV + dir * step;
      const atBound = dir > 0 ? v >= hi : v <= lo;
      if (atBound) v = bound;
      const { d, uOthers } = evalAt(v, prevStart);
      points.push({ value: fromInternal(spec, v), twoDeltaNll: d });
      if (d >= opt.threshold) {
        // Bracketed: refine on √d, which is ~linear in v near a quadratic minimum.
        let aV = prevV;
        let aS = Math.sqrt(prevD);
        let bV = v;
        let bS = Math.sqrt(d);
        const target = Math.sqrt(opt.threshold);
        let startRef: Float64Array = prevStart;
        for (let it = 0; it < opt.refinements; it++) {
          const t = (target - aS) / (bS - aS);
          const c = aV + Math.min(0.95, Math.max(0.05, t)) * (bV - aV);
          const rc = evalAt(c, startRef);
          points.push({ value: fromInternal(spec, c), twoDeltaNll: rc.d });
          const cs = Math.sqrt(rc.d);
          if (cs < target) {
            aV = c;
            aS = cs;
            startRef = rc.uOthers;
          } else {
            bV = c;
            bS = cs;
          }
          if (Math.abs(cs - target) < 0.01) break;
        }
        const t = (target - aS) / (bS - aS);
        return { end: aV + Math.min(1, Math.max(0, t)) * (bV - aV), open: false };
      }
      if (atBound) return { end: bound, open: true };
      // Grow the step while the profile is shallow, aiming at the threshold.
      const growth = d > 1e-6 ? Math.min(3, Math.max(1.2, Math.sqrt(opt.threshold / d) * 0.8)) : 3;
      step *= growth;
      prevV = v;
      prevD = d;
      prevStart = uOthers;
    }
    return { end: prevV, open: true };
  };

  const lower = sideResult(-1);
  const upper = sideResult(1);
  points.sort((a, b) => a.value - b.value);
  const farLow = lower.open && Math.abs(uHat - lo) > opt.flatFraction * range;
  const farHigh = upper.open && Math.abs(hi - uHat) > opt.flatFraction * range;
  return {
    name: spec.name,
    ci95: [fromInternal(spec, lower.end), fromInternal(spec, upper.end)],
    lowerOpen: lower.open,
    upperOpen: upper.open,
    flat: farLow || farHigh,
    points,
    betterMinimum,
    evaluations,
  };
}
