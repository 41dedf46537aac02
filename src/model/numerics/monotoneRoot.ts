/**
 * Root of a monotone increasing scalar function on a bracket, by Newton steps that fall back to
 * bisection whenever a step leaves the bracket or fails to shrink it fast enough.
 *
 * Used for every inversion in the model (Butler–Volmer, the Thevenin current (A2), dendrite
 * threshold lengths), where the function is known to be monotone and a bracket is cheap.
 */
export interface MonotoneRootOptions {
  /** Initial guess inside [lo, hi] (default: midpoint). */
  x0?: number;
  /** Absolute tolerance on x (default 0). */
  xAbsTol?: number;
  /** Relative tolerance on x (default 1e-14). */
  xRelTol?: number;
  /** Iteration cap (default 200; bisection alone needs ≤ ~1100 for the full double range). */
  maxIter?: number;
}

/**
 * Solve f(x) = 0 for increasing f with f(lo) ≤ 0 ≤ f(hi).
 * @param fAndDf returns [f(x), f'(x)]; f'(x) may be NaN/0 (then bisection is used)
 * @returns the root x (the bracket end if f does not change sign there)
 */
export function monotoneRoot(
  fAndDf: (x: number) => readonly [number, number],
  lo: number,
  hi: number,
  options: MonotoneRootOptions = {},
): number {
  const xAbsTol = options.xAbsTol ?? 0;
  const xRelTol = options.xRelTol ?? 1e-14;
  const maxIter = options.maxIter ?? 200;
  let a = lo;
  let b = hi;
  let x = options.x0 !== undefined && options.x0 > a && options.x0 < b ? options.x0 : 0.5 * (a + b);
  let lastStep = b - a;
  for (let iter = 0; iter < maxIter; iter++) {
    const [f, df] = fAndDf(x);
    if (f === 0) return x;
    if (f < 0) a = x;
    else b = x;
    const width = b - a;
    if (width <= xAbsTol + xRelTol * Math.max(Math.abs(a), Math.abs(b))) return 0.5 * (a + b);
    let next = x - f / df;
    const inBracket = Number.isFinite(next) && next >= a && next <= b;
    // Newton converged: an in-bracket step below tolerance.
    if (inBracket && Math.abs(next - x) <= xAbsTol + xRelTol * Math.abs(next)) return next;
    // Safeguard (as rtsafe): bisect when Newton leaves the bracket or its step is not at
    // least halving relative to the step before.
    if (!inBracket || Math.abs(next - x) > 0.5 * lastStep) next = 0.5 * (a + b);
    lastStep = Math.abs(next - x);
    x = next;
  }
  return x;
}

/**
 * Root of an increasing function on a bracket without derivatives (bisection with an
 * Illinois regula-falsi acceleration). Returns a point within tolerance of the sign change.
 */
export function monotoneRootNoDerivative(
  f: (x: number) => number,
  lo: number,
  hi: number,
  xRelTol = 1e-14,
  maxIter = 300,
): number {
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa >= 0) return a;
  if (fb <= 0) return b;
  let side = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    if (b - a <= xRelTol * Math.max(Math.abs(a), Math.abs(b), 1e-300)) break;
    let x = (a * fb - b * fa) / (fb - fa);
    if (!(x > a && x < b)) x = 0.5 * (a + b);
    const fx = f(x);
    if (fx === 0) return x;
    if (fx < 0) {
      a = x;
      fa = fx;
      if (side === -1) fb *= 0.5;
      side = -1;
    } else {
      b = x;
      fb = fx;
      if (side === 1) fa *= 0.5;
      side = 1;
    }
  }
  return 0.5 * (a + b);
}
