import type { CurrentPhase, CurrentSample } from './types.js';

export interface PhaseOptions {
  /** A sample starts a new phase when it differs from the phase mean by more than this fraction. */
  relTol?: number;
  /** |I| at or below this is zero current [mA]; default 1e-3 × max |I| of the log. */
  zeroTolMA?: number;
}

/**
 * Cut the log into constant-current phases: a new phase starts at the first sample whose sign
 * differs (with |I| ≤ zeroTolMA counted as 0) or whose value leaves the running phase mean by
 * more than relTol·|mean| (+ zeroTolMA). Samples are a zero-order hold: a phase runs from its
 * first sample to the first sample of the next phase.
 */
export function phasesOfCurrent(samples: readonly CurrentSample[], opts: PhaseOptions = {}): CurrentPhase[] {
  if (samples.length === 0) return [];
  const relTol = opts.relTol ?? 0.05;
  let maxAbs = 0;
  for (const s of samples) maxAbs = Math.max(maxAbs, Math.abs(s.currentMA));
  const zeroTol = opts.zeroTolMA ?? 1e-3 * maxAbs;
  const sgn = (x: number): -1 | 0 | 1 => (Math.abs(x) <= zeroTol ? 0 : x > 0 ? 1 : -1);
  const out: CurrentPhase[] = [];
  let start = 0;
  let sum = samples[0].currentMA;
  let n = 1;
  const close = (endIdx: number, tEnd: number) => {
    const mean = sum / n;
    out.push({ tStartS: samples[start].tS, tEndS: tEnd, currentMA: mean, sign: sgn(mean) });
    void endIdx;
  };
  for (let i = 1; i < samples.length; i++) {
    const x = samples[i].currentMA;
    const mean = sum / n;
    const change = sgn(x) !== sgn(mean) || Math.abs(x - mean) > relTol * Math.abs(mean) + zeroTol;
    if (change) {
      close(i, samples[i].tS);
      start = i;
      sum = x;
      n = 1;
    } else {
      sum += x;
      n++;
    }
  }
  close(samples.length, samples[samples.length - 1].tS);
  return out;
}

/** Current density j_n [A/m²] from the cell current [mA] and the electrode area [cm²]. */
export function currentDensityAPerM2(currentMA: number, electrodeAreaCm2: number): number {
  return (currentMA * 1e-3) / (electrodeAreaCm2 * 1e-4);
}
