/**
 * Builds Model A's piecewise-constant current program from a potentiostat log.
 */
import { InputError } from '../../core/errors.js';
import type { CurrentProgram } from './types.js';

export interface CurrentLogOptions {
  /**
   * Merge consecutive samples whose current differs by at most this fraction of the log's
   * largest |I| into one segment carrying their charge-weighted mean (default 0: merge only
   * exact repeats). Every breakpoint restarts the integrator, so a 1 Hz log of a galvanostatic
   * step should collapse to its few true steps.
   */
  mergeRelTol?: number;
}

/**
 * Zero-order hold: current[i] holds on [tS[i], tS[i+1]), the last sample to +∞.
 * @param tS sample times [s], strictly increasing
 * @param currentA cell current [A], positive = ionic current A → B (plating at B)
 * @param electrodeAreaM2 electrode area [m²] (j_n = I/A)
 */
export function currentProgramFromLog(tS: ArrayLike<number>, currentA: ArrayLike<number>, electrodeAreaM2: number, options: CurrentLogOptions = {}): CurrentProgram {
  if (tS.length !== currentA.length || tS.length === 0)
    throw new InputError(`current log must have equal, non-zero numbers of times and currents, got ${tS.length} and ${currentA.length}`, 'give one current per time stamp');
  if (!(electrodeAreaM2 > 0) || !Number.isFinite(electrodeAreaM2))
    throw new InputError(`electrode area must be a positive finite number of m², got ${electrodeAreaM2}`, 'e.g. 0.25 cm² = 2.5e-5 m²');
  let iMax = 0;
  for (let i = 0; i < tS.length; i++) {
    if (!Number.isFinite(tS[i]) || !Number.isFinite(currentA[i])) throw new InputError(`current log row ${i} is not finite (t = ${tS[i]}, I = ${currentA[i]})`, 'remove NaN/Infinity rows');
    if (i > 0 && !(tS[i] > tS[i - 1])) throw new InputError(`current log times must be strictly increasing, got ${tS[i - 1]} then ${tS[i]} at row ${i}`, 'sort the log and drop duplicate time stamps');
    iMax = Math.max(iMax, Math.abs(currentA[i]));
  }
  const tol = (options.mergeRelTol ?? 0) * iMax;
  const out: CurrentProgram = { tS: [], jnAPerM2: [] };
  let start = 0;
  while (start < tS.length) {
    // Grow the run while every sample stays within tol of the run's first value.
    let end = start + 1;
    while (end < tS.length && Math.abs(currentA[end] - currentA[start]) <= tol) end++;
    let mean = currentA[start];
    if (end - start > 1) {
      // Charge-weighted mean over the run's duration (the open-ended last run: over its samples' span).
      const stop = end < tS.length ? end : end - 1;
      let q = 0;
      for (let i = start; i < stop; i++) q += currentA[i] * (tS[i + 1] - tS[i]);
      mean = q / (tS[stop] - tS[start]);
    }
    out.tS.push(tS[start]);
    out.jnAPerM2.push(mean / electrodeAreaM2);
    start = end;
  }
  return out;
}
