/** Sub-problem with some parameters held at given values (the others keep their order). */
import type { LeastSquaresProblem } from './types.js';

/**
 * @param problem the full problem
 * @param fixed parameter index (in `problem.parameters`) → value in user units
 * @returns the reduced problem and a function that expands reduced x to the full vector
 */
export function fixParameters(
  problem: LeastSquaresProblem,
  fixed: ReadonlyMap<number, number>,
): { problem: LeastSquaresProblem; freeIndices: number[]; expand(xFree: ArrayLike<number>): Float64Array } {
  const p = problem.parameters.length;
  const freeIndices: number[] = [];
  for (let k = 0; k < p; k++) if (!fixed.has(k)) freeIndices.push(k);
  const full = new Float64Array(p);
  for (const [k, v] of fixed) full[k] = v;
  const expand = (xFree: ArrayLike<number>): Float64Array => {
    const x = Float64Array.from(full);
    freeIndices.forEach((k, i) => {
      x[k] = xFree[i];
    });
    return x;
  };
  if (fixed.size === 0) return { problem, freeIndices, expand };
  return {
    problem: {
      parameters: freeIndices.map((k) => problem.parameters[k]),
      nResiduals: problem.nResiduals,
      eliminatedDof: problem.eliminatedDof,
      residuals: (xFree) => problem.residuals(expand(xFree)),
    },
    freeIndices,
    expand,
  };
}
