/**
 * Current log → piecewise-constant current density program for the model. Consecutive samples
 * whose currents differ by at most `relTol`·max|I| are merged into one segment carrying their
 * time-weighted mean (charge is preserved), which keeps the model's breakpoints to the real
 * steps of a galvanostatic programme instead of every logger sample.
 */
import type { CurrentLog } from './parseCurrentCsv.js';

/** Piecewise-constant programme (video clock): jnAPerM2[i] holds on [tS[i], tS[i+1]). */
export interface CurrentSegments {
  tS: number[];
  jnAPerM2: number[];
}

/**
 * @param log current samples (zero-order hold)
 * @param electrodeAreaCm2 electrode area [cm²]: j_n = I/A
 * @param relTol merge tolerance relative to max|I| (default 1e-3)
 */
export function currentSegments(log: CurrentLog, electrodeAreaCm2: number, relTol = 1e-3): CurrentSegments {
  const n = log.tS.length;
  let imax = 0;
  for (let i = 0; i < n; i++) imax = Math.max(imax, Math.abs(log.currentMA[i]));
  const tol = relTol * imax;
  const dts: number[] = [];
  for (let i = 0; i + 1 < n; i++) dts.push(log.tS[i + 1] - log.tS[i]);
  const sortedDt = [...dts].sort((a, b) => a - b);
  const typicalDt = sortedDt.length ? sortedDt[Math.floor(sortedDt.length / 2)] : 1;
  const tS: number[] = [];
  const mA: number[] = [];
  let start = 0;
  while (start < n) {
    let end = start + 1;
    let lo = log.currentMA[start];
    let hi = lo;
    while (end < n) {
      const v = log.currentMA[end];
      if (Math.max(hi, v) - Math.min(lo, v) > tol) break;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      end++;
    }
    let q = 0;
    let w = 0;
    for (let i = start; i < end; i++) {
      const dt = i + 1 < n ? log.tS[i + 1] - log.tS[i] : typicalDt;
      q += log.currentMA[i] * dt;
      w += dt;
    }
    tS.push(log.tS[start]);
    mA.push(w > 0 ? q / w : log.currentMA[start]);
    start = end;
  }
  // mA/cm² → A/m²: 1 mA/cm² = 10 A/m².
  return { tS, jnAPerM2: mA.map((i) => (i / electrodeAreaCm2) * 10) };
}
