/**
 * Are a stream's frame timestamps evenly spaced? Works on packet pts (decode order, so they
 * are sorted first) in time-base ticks, so that the quantisation of the time base (e.g. 30 fps
 * in a 1 ms Matroska time base: 33, 33, 34 ms) is not mistaken for jitter.
 */

/** Result of the regularity check on a stream's timestamps. */
export interface TimestampCheck {
  /** Timestamps examined. */
  framesChecked: number;
  /** True when every packet of the stream was examined (else only the first framesChecked). */
  complete: boolean;
  /** Median interval between consecutive presentation times [s]. */
  medianIntervalS: number;
  minIntervalS: number;
  maxIntervalS: number;
  /** Intervals longer than 1.5 median intervals: dropped or missing frames. */
  gaps: number;
  /** Intervals that are zero (duplicate timestamps). */
  duplicates: number;
  /** Some interval deviates from the median by more than 1 % (and one time-base tick), or a gap. */
  irregular: boolean;
}

/** Largest B-frame reorder depth: the last this-many sorted pts of a partial read may have holes. */
const REORDER_GUARD = 16;

/**
 * @param pts presentation timestamps in time-base ticks, any order (decode order is fine)
 * @param timeBaseS one tick [s]
 * @param complete whether pts holds every frame of the stream
 * @returns null when fewer than 3 timestamps are available
 */
export function analyzeTimestamps(pts: readonly number[], timeBaseS: number, complete: boolean): TimestampCheck | null {
  let sorted = [...pts].sort((a, b) => a - b);
  if (!complete && sorted.length > 3 * REORDER_GUARD) sorted = sorted.slice(0, sorted.length - REORDER_GUARD);
  if (sorted.length < 3) return null;
  const d: number[] = [];
  for (let i = 1; i < sorted.length; i++) d.push(sorted[i] - sorted[i - 1]);
  const s = [...d].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)];
  const tol = Math.max(0.01 * median, 1 + 1e-9);
  let gaps = 0;
  let duplicates = 0;
  let deviating = 0;
  for (const x of d) {
    if (x === 0) duplicates++;
    if (x > 1.5 * median) gaps++;
    if (Math.abs(x - median) > tol) deviating++;
  }
  return {
    framesChecked: sorted.length,
    complete,
    medianIntervalS: median * timeBaseS,
    minIntervalS: s[0] * timeBaseS,
    maxIntervalS: s[s.length - 1] * timeBaseS,
    gaps,
    duplicates,
    irregular: deviating > 0 || gaps > 0 || duplicates > 0,
  };
}
