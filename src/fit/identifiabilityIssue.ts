/**
 * Identifiability diagnosis of a local solution: a parameter the residuals do not depend on, a
 * pair with |corr| above a threshold, or a near-singular JᵀJ. Names the one parameter to fix,
 * preferring the caller's list (e.g. j0 before h_ext, MODEL.md §2.7), otherwise the one with the
 * largest standard error relative to its range.
 */
import type { CovarianceSummary } from './covarianceFromJacobian.js';
import { internalBounds } from './parameterTransform.js';
import type { ParameterSpec } from './types.js';

/** The parameter to fix and why. */
export interface IdentifiabilityIssue {
  /** Index into the (current, free) parameter list. */
  index: number;
  reason: string;
}

/** Thresholds of the diagnosis. */
export interface IdentifiabilityThresholds {
  /** |corr| above which a pair is not separately identifiable (default 0.99). */
  maxAbsCorrelation: number;
  /** Condition number of the correlation-scaled JᵀJ above which it is near-singular (default 1e10). */
  maxCondition: number;
  /** Parameter names to fix first when a pair or direction is not identifiable. */
  fixPreference: string[];
}

const fmt = (x: number, d = 4): string => (Number.isFinite(x) ? Number(x.toPrecision(d)).toString() : String(x));

function pick(candidates: number[], specs: ParameterSpec[], cov: CovarianceSummary, pref: string[]): number {
  for (const name of pref) {
    const k = candidates.find((c) => specs[c].name === name);
    if (k !== undefined) return k;
  }
  let bestK = candidates[0];
  let bestRel = -1;
  for (const c of candidates) {
    const [lo, hi] = internalBounds(specs[c]);
    const range = Number.isFinite(hi - lo) ? hi - lo : 1;
    const rel = Number.isFinite(cov.seInternal[c]) ? cov.seInternal[c] / range : Number.POSITIVE_INFINITY;
    if (rel > bestRel) {
      bestRel = rel;
      bestK = c;
    }
  }
  return bestK;
}

/** First identifiability problem found, or null. */
export function identifiabilityIssue(specs: ParameterSpec[], cov: CovarianceSummary, th: IdentifiabilityThresholds): IdentifiabilityIssue | null {
  const p = specs.length;
  if (p === 0) return null;
  const smax = Math.max(...cov.sensitivity);
  const dead = Array.from({ length: p }, (_, k) => k).filter((k) => !(cov.sensitivity[k] > 1e-14 * smax) || !(smax > 0));
  if (dead.length > 0) {
    const k = pick(dead, specs, cov, th.fixPreference);
    return { index: k, reason: `the residuals do not change with ${specs[k].name} (zero sensitivity): the data contain no information on it` };
  }
  let worst: [number, number, number] | null = null;
  for (let a = 0; a < p; a++) {
    for (let b = a + 1; b < p; b++) {
      const c = cov.correlation[a * p + b];
      if (Math.abs(c) > th.maxAbsCorrelation && (!worst || Math.abs(c) > Math.abs(worst[2]))) worst = [a, b, c];
    }
  }
  if (worst) {
    const [a, b, c] = worst;
    const k = pick([a, b], specs, cov, th.fixPreference);
    const other = k === a ? b : a;
    return {
      index: k,
      reason: `corr(${specs[k].name}, ${specs[other].name}) = ${c.toFixed(4)} (|corr| > ${th.maxAbsCorrelation}): only a combination of the two is determined by the data`,
    };
  }
  if (!(cov.conditionNumber <= th.maxCondition)) {
    const w = cov.weakestDirection;
    const wmax = Math.max(...Array.from(w, Math.abs));
    const involved = Array.from({ length: p }, (_, k) => k).filter((k) => Math.abs(w[k]) >= 0.3 * wmax);
    const k = pick(involved, specs, cov, th.fixPreference);
    const names = involved.map((i) => specs[i].name).join(', ');
    const what = Number.isFinite(cov.conditionNumber)
      ? `near-singular (condition number ${fmt(cov.conditionNumber, 3)} > ${fmt(th.maxCondition, 3)})`
      : `singular (numerical rank ${cov.rank} of ${p})`;
    return { index: k, reason: `JᵀJ is ${what} along a direction mixing ${names}` };
  }
  return null;
}
