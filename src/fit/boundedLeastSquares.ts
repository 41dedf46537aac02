/**
 * One local solve of a bounded nonlinear least-squares problem: Levenberg–Marquardt in internal
 * coordinates with an active-set projection for the box constraints (variables resting on a
 * bound with the gradient pointing out are frozen for the step; trial points are projected back
 * into the box), a robust loss (soft-ℓ1) through residual/Jacobian rescaling, and a
 * forward-difference Jacobian. Damping follows Nielsen's gain-ratio rule.
 */
import { choleskySolve, normalEquations } from './denseLinearAlgebra.js';
import { forwardDifferenceJacobian } from './forwardDifferenceJacobian.js';
import { checkParameterSpecs, internalBounds, vectorFromInternal, vectorToInternal } from './parameterTransform.js';
import { robustCost, robustWeights } from './robustLoss.js';
import type { LeastSquaresProblem, LocalSolveOptions, LocalSolveResult, StopReason } from './types.js';

/** Defaults of a local solve: linear loss, f_scale 1, diff_step 1e-4, 200 iterations, tolerances 1e-8. */
export const DEFAULT_LOCAL_SOLVE_OPTIONS: LocalSolveOptions = {
  loss: 'linear',
  fScale: 1,
  diffStep: 1e-4,
  maxIterations: 200,
  ftol: 1e-8,
  xtol: 1e-8,
  gtol: 1e-8,
  broydenUpdates: 0,
};

/** Internal-coordinate view of a problem, shared by the multi-start, profile and bootstrap code. */
export interface InternalProblem {
  lower: Float64Array;
  upper: Float64Array;
  m: number;
  p: number;
  /** Residuals of internal coordinates; counts evaluations. */
  f(u: Float64Array): Float64Array;
  evaluations: number;
}

/** Wrap a problem for internal coordinates. */
export function internalProblem(problem: LeastSquaresProblem): InternalProblem {
  checkParameterSpecs(problem.parameters);
  const p = problem.parameters.length;
  const lower = new Float64Array(p);
  const upper = new Float64Array(p);
  problem.parameters.forEach((s, i) => {
    [lower[i], upper[i]] = internalBounds(s);
  });
  const ip: InternalProblem = {
    lower,
    upper,
    m: problem.nResiduals,
    p,
    evaluations: 0,
    f(u: Float64Array): Float64Array {
      ip.evaluations += 1;
      const r = problem.residuals(vectorFromInternal(problem.parameters, u));
      if (r.length !== problem.nResiduals) throw new Error(`residuals() returned ${r.length} values, expected ${problem.nResiduals}`);
      return r;
    },
  };
  return ip;
}

function allFinite(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

function chi2Of(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return s;
}

/**
 * Minimise the robust cost from `x0` (user units).
 * @param problem residuals and bounded parameters
 * @param x0 start (user units, inside the bounds)
 * @param options solver options (defaults: DEFAULT_LOCAL_SOLVE_OPTIONS)
 */
export function solveBoundedLeastSquares(problem: LeastSquaresProblem, x0: ArrayLike<number>, options: Partial<LocalSolveOptions> = {}): LocalSolveResult {
  const ip = internalProblem(problem);
  const u0 = vectorToInternal(problem.parameters, x0);
  const res = solveInternal(ip, u0, { ...DEFAULT_LOCAL_SOLVE_OPTIONS, ...options });
  return { ...res, x: vectorFromInternal(problem.parameters, res.u) };
}

/** The solver proper, on internal coordinates (x is filled by the caller). */
export function solveInternal(
  ip: InternalProblem,
  u0: Float64Array,
  opt: LocalSolveOptions,
  stopEarly?: (u: Float64Array, cost: number) => boolean,
): Omit<LocalSolveResult, 'x'> & { x: Float64Array } {
  const { lower, upper, m, p } = ip;
  const evalStart = ip.evaluations;
  const u = new Float64Array(p);
  for (let k = 0; k < p; k++) u[k] = Math.min(upper[k], Math.max(lower[k], u0[k]));
  let r = ip.f(u);
  if (!allFinite(r)) throw new Error('residuals are not finite at the start point');
  let cost = robustCost(r, opt.loss, opt.fScale);
  let jac = forwardDifferenceJacobian(ip.f, u, r, lower, upper, opt.diffStep);
  // Jacobian bookkeeping: forward differences, optionally followed by up to `broydenUpdates`
  // rank-1 (Broyden) updates; any stop decision taken on an updated Jacobian is re-checked
  // with a fresh forward-difference one, and the returned Jacobian is always fresh.
  let jacFresh = true;
  let broydenCount = 0;
  const refreshJacobian = (): void => {
    jac = forwardDifferenceJacobian(ip.f, u, r, lower, upper, opt.diffStep);
    jacFresh = true;
    broydenCount = 0;
  };
  let mu = -1;
  let nu = 2;
  let stopReason: StopReason = 'max-iterations';
  let converged = false;
  let iter = 0;
  const active = new Uint8Array(p);
  const boundTol = (k: number) => 1e-10 * Math.max(1, Math.abs(upper[k] - lower[k]));
  for (; iter < opt.maxIterations; iter++) {
    // Robust rescaling of J and r.
    const { wJ, wR } = robustWeights(r, opt.loss, opt.fScale);
    const js = new Float64Array(m * p);
    const rs = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      rs[i] = wR[i] * r[i];
      for (let k = 0; k < p; k++) js[i * p + k] = wJ[i] * jac[i * p + k];
    }
    const { jtj, jtr } = normalEquations(js, rs, m, p);
    // Projected-gradient convergence test.
    let pg = 0;
    for (let k = 0; k < p; k++) {
      const t = Math.min(upper[k], Math.max(lower[k], u[k] - jtr[k])) - u[k];
      pg = Math.max(pg, Math.abs(t));
    }
    if (pg < opt.gtol && !jacFresh) {
      refreshJacobian();
      continue;
    }
    if (pg < opt.gtol) {
      stopReason = 'gtol';
      converged = true;
      break;
    }
    // Active set: on a bound with the descent direction pointing out of the box.
    const free: number[] = [];
    for (let k = 0; k < p; k++) {
      active[k] = (u[k] <= lower[k] + boundTol(k) && jtr[k] > 0) || (u[k] >= upper[k] - boundTol(k) && jtr[k] < 0) ? 1 : 0;
      if (!active[k]) free.push(k);
    }
    if (free.length === 0 && !jacFresh) {
      refreshJacobian();
      continue;
    }
    if (free.length === 0) {
      stopReason = 'gtol';
      converged = true;
      break;
    }
    // Marquardt damping μ·diag(JᵀJ) is scale-free, so μ itself starts dimensionless.
    if (mu < 0) mu = 1e-3;
    const nf = free.length;
    let accepted = false;
    let stepNorm = 0;
    let uNorm = 0;
    let relDecrease = 0;
    let predicted = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      const a = new Float64Array(nf * nf);
      const b = new Float64Array(nf);
      for (let i = 0; i < nf; i++) {
        b[i] = -jtr[free[i]];
        for (let j = 0; j < nf; j++) a[i * nf + j] = jtj[free[i] * p + free[j]];
        a[i * nf + i] += mu * Math.max(jtj[free[i] * p + free[i]], 1e-12 * (1 + jtj[free[i] * p + free[i]]));
      }
      const d = choleskySolve(a, b, nf);
      if (!d) {
        mu *= nu;
        nu *= 2;
        continue;
      }
      const uNew = Float64Array.from(u);
      for (let i = 0; i < nf; i++) {
        const k = free[i];
        uNew[k] = Math.min(upper[k], Math.max(lower[k], u[k] + d[i]));
      }
      const step = new Float64Array(p);
      stepNorm = 0;
      uNorm = 0;
      for (let k = 0; k < p; k++) {
        step[k] = uNew[k] - u[k];
        stepNorm += step[k] * step[k];
        uNorm += u[k] * u[k];
      }
      stepNorm = Math.sqrt(stepNorm);
      uNorm = Math.sqrt(uNorm);
      if (stepNorm === 0) break;
      // Predicted decrease of the Gauss–Newton model at the projected step.
      let gs = 0;
      let sHs = 0;
      for (let a1 = 0; a1 < p; a1++) {
        gs += jtr[a1] * step[a1];
        let hs = 0;
        for (let b1 = 0; b1 < p; b1++) hs += jtj[a1 * p + b1] * step[b1];
        sHs += step[a1] * hs;
      }
      predicted = -(gs + 0.5 * sHs);
      const rNew = ip.f(uNew);
      const costNew = allFinite(rNew) ? robustCost(rNew, opt.loss, opt.fScale) : Number.POSITIVE_INFINITY;
      const actual = cost - costNew;
      const rho = predicted > 0 ? actual / predicted : actual > 0 ? 1 : -1;
      if (rho > 1e-4 && Number.isFinite(costNew)) {
        relDecrease = actual / Math.max(cost, 1e-300);
        if (broydenCount < opt.broydenUpdates) {
          // J ← J + (Δr − J·s)·sᵀ/(sᵀs)
          const s2 = stepNorm * stepNorm;
          for (let i = 0; i < m; i++) {
            let js = 0;
            for (let k = 0; k < p; k++) js += jac[i * p + k] * step[k];
            const c = (rNew[i] - r[i] - js) / s2;
            for (let k = 0; k < p; k++) jac[i * p + k] += c * step[k];
          }
          jacFresh = false;
          broydenCount += 1;
        } else {
          jacFresh = false; // refreshed below, after the state update
          broydenCount = opt.broydenUpdates + 1;
        }
        u.set(uNew);
        r = rNew;
        cost = costNew;
        // Nielsen update, but let very good steps (ρ > 0.9) relax the damping faster.
        mu *= rho > 0.9 ? 0.1 : Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
        nu = 2;
        accepted = true;
        break;
      }
      if (stepNorm < opt.xtol * (opt.xtol + uNorm)) break;
      mu *= nu;
      nu *= 2;
    }
    if (accepted && stopEarly && stopEarly(u, cost)) {
      stopReason = 'joined';
      converged = true;
      iter++;
      break;
    }
    if (!accepted && !jacFresh) {
      refreshJacobian();
      continue;
    }
    if (!accepted) {
      // No decrease possible at any damping: we are at a (numerical) minimum.
      stopReason = stepNorm < opt.xtol * (opt.xtol + uNorm) ? 'xtol' : 'stalled';
      converged = true;
      break;
    }
    if (broydenCount > opt.broydenUpdates) refreshJacobian();
    const wouldStop =
      (relDecrease < opt.ftol && predicted / Math.max(cost, 1e-300) < opt.ftol) || stepNorm < opt.xtol * (opt.xtol + uNorm);
    if (wouldStop && !jacFresh) {
      refreshJacobian();
      continue;
    }
    if (relDecrease < opt.ftol && predicted / Math.max(cost, 1e-300) < opt.ftol) {
      stopReason = 'ftol';
      converged = true;
      iter++;
      break;
    }
    if (stepNorm < opt.xtol * (opt.xtol + uNorm)) {
      stopReason = 'xtol';
      converged = true;
      iter++;
      break;
    }
  }
  if (!jacFresh) refreshJacobian();
  const activeBounds: number[] = [];
  for (let k = 0; k < p; k++) if (u[k] <= lower[k] + boundTol(k) || u[k] >= upper[k] - boundTol(k)) activeBounds.push(k);
  return {
    x: new Float64Array(0),
    u,
    cost,
    chi2: chi2Of(r),
    residuals: r,
    jacobian: jac,
    iterations: iter,
    evaluations: ip.evaluations - evalStart,
    converged,
    stopReason,
    activeBounds,
  };
}
