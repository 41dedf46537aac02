/**
 * True presentation timestamps of the rendered frames.
 *
 * Regular: t_i = start_s + i/fps. Irregular (jitter and/or dropped frames): the recording is a
 * nominal clock at fps from which `dropped` runs of frames are missing; each kept frame k
 * (nominal index) is at start_s + (k + jitter_frac/2 · u_k)/fps, u_k uniform in [−1, 1]
 * (seeded), then rounded to the container time base 1/time_base_hz so that the truth equals
 * what the container carries. Explicit `times_s` are rounded the same way.
 */
import { ConfigError } from '../core/errors.js';
import { createPrng } from './prng.js';
import type { Scenario } from './scenarioSchema.js';

export interface FrameTimes {
  /** Timestamp per written frame [s], strictly increasing. */
  timesS: number[];
  /** Whether the timestamps are not of the form start + i/fps. */
  irregular: boolean;
  /** Nominal frame index of each written frame (clock ticks at fps; gaps show dropped frames). */
  nominalIndex: number[];
}

/** Timestamps of all frames of a scenario. */
export function frameTimes(sc: Scenario): FrameTimes {
  const t = sc.timing;
  const q = (x: number): number => Math.round(x * t.time_base_hz) / t.time_base_hz;
  if (t.times_s) {
    const timesS = t.times_s.map(q);
    for (let i = 1; i < timesS.length; i++)
      if (!(timesS[i] > timesS[i - 1]))
        throw new ConfigError(`timing.times_s[${i}] coincides with the previous one at time base 1/${t.time_base_hz} s`, 'raise timing.time_base_hz');
    return { timesS, irregular: true, nominalIndex: timesS.map((x) => Math.round((x - timesS[0]) * t.fps)) };
  }
  const irregular = t.jitter_frac > 0 || t.dropped.length > 0;
  const rng = createPrng(sc.seed, 'timing');
  const nominalIndex: number[] = [];
  let k = 0;
  for (let i = 0; i < t.n_frames; i++) {
    nominalIndex.push(k);
    k += 1;
    for (const d of t.dropped) if (d.after_frame === i) k += d.count;
  }
  const timesS = nominalIndex.map((kk, i) => {
    if (!irregular) return t.start_s + i / t.fps;
    const u = i === 0 ? 0 : rng.range(-1, 1); // frame 0 defines the clock origin
    return q(t.start_s + (kk + 0.5 * t.jitter_frac * u) / t.fps);
  });
  for (let i = 1; i < timesS.length; i++)
    if (!(timesS[i] > timesS[i - 1]))
      throw new ConfigError(
        `timing: frames ${i - 1} and ${i} fall on the same tick of the ${t.time_base_hz} Hz time base (fps ${t.fps}, jitter_frac ${t.jitter_frac})`,
        'raise timing.time_base_hz or lower jitter_frac',
      );
  return { timesS, irregular, nominalIndex };
}
