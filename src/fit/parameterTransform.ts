/**
 * Mapping between user-unit parameters x and internal coordinates u: u = ln x for 'log'
 * parameters, u = (x − lower)/(upper − lower) for bounded linear ones (x/scale if unbounded),
 * so that a unit step in u is comparable across parameters.
 */
import { FitError } from '../core/errors.js';
import type { ParameterSpec } from './types.js';

/** Check a parameter list: finite ordered bounds, positive bounds for log parameters. */
export function checkParameterSpecs(specs: ParameterSpec[]): void {
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new FitError(`parameter ${s.name} is listed twice`, 'list each fitted parameter once');
    seen.add(s.name);
    if (Number.isNaN(s.lower) || Number.isNaN(s.upper) || !(s.lower < s.upper)) {
      throw new FitError(`bounds of ${s.name} must satisfy lower < upper, got [${s.lower}, ${s.upper}]`, `give ${s.name}: [lower, upper] with lower < upper`);
    }
    if (s.transform === 'log' && !(s.lower > 0 && Number.isFinite(s.upper))) {
      throw new FitError(`${s.name} is fitted in log space and needs finite bounds 0 < lower < upper, got [${s.lower}, ${s.upper}]`, `give ${s.name} a positive lower bound`);
    }
    if (s.initial !== undefined && !(s.initial >= s.lower && s.initial <= s.upper)) {
      throw new FitError(`initial value of ${s.name} (${s.initial}) lies outside its bounds [${s.lower}, ${s.upper}]`, 'move the start value inside the bounds');
    }
  }
}

/** User value → internal coordinate. */
export function toInternal(s: ParameterSpec, x: number): number {
  if (s.transform === 'log') return Math.log(x);
  if (Number.isFinite(s.lower) && Number.isFinite(s.upper)) return (x - s.lower) / (s.upper - s.lower);
  return x / (s.scale ?? 1);
}

/** Internal coordinate → user value. */
export function fromInternal(s: ParameterSpec, u: number): number {
  if (s.transform === 'log') return Math.exp(u);
  if (Number.isFinite(s.lower) && Number.isFinite(s.upper)) return s.lower + u * (s.upper - s.lower);
  return u * (s.scale ?? 1);
}

/** dx/du at internal coordinate u (for covariance propagation). */
export function derivativeFromInternal(s: ParameterSpec, u: number): number {
  if (s.transform === 'log') return Math.exp(u);
  if (Number.isFinite(s.lower) && Number.isFinite(s.upper)) return s.upper - s.lower;
  return s.scale ?? 1;
}

/** Internal bounds [lo, hi] of a parameter. */
export function internalBounds(s: ParameterSpec): [number, number] {
  if (s.transform === 'log') return [Math.log(s.lower), Math.log(s.upper)];
  if (Number.isFinite(s.lower) && Number.isFinite(s.upper)) return [0, 1];
  const sc = s.scale ?? 1;
  return [s.lower / sc, s.upper / sc];
}

/** Map a whole vector u → x. */
export function vectorFromInternal(specs: ParameterSpec[], u: Float64Array): Float64Array {
  const x = new Float64Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const v = fromInternal(specs[i], u[i]);
    // Keep x inside the user bounds despite rounding in exp/log.
    x[i] = Math.min(specs[i].upper, Math.max(specs[i].lower, v));
  }
  return x;
}

/** Map a whole vector x → u. */
export function vectorToInternal(specs: ParameterSpec[], x: ArrayLike<number>): Float64Array {
  const u = new Float64Array(specs.length);
  for (let i = 0; i < specs.length; i++) u[i] = toInternal(specs[i], x[i]);
  return u;
}
