/**
 * Tips of a dendrite region = prominent local maxima of its depth profile (deepest row per
 * column, measured from the interface). Two dendrites joined at the base are one region with
 * two prominent maxima, so they stay two tips; a small bump on a leaf's edge is not a tip.
 */

export interface ProfilePeak {
  /** Index range [start, end] of the plateau holding the maximum. */
  start: number;
  end: number;
  /** Profile value at the peak. */
  height: number;
  /** Topographic prominence (height above the higher of the two saddles). */
  prominence: number;
}

/**
 * Prominent maxima of a 1-D profile (NaN = no data, treated as a deep valley).
 * @param minProminence peaks with a lower prominence are dropped
 */
export function findPeaks(profile: ArrayLike<number>, minProminence: number): ProfilePeak[] {
  const n = profile.length;
  const p = (i: number) => (Number.isFinite(profile[i]) ? profile[i] : -Infinity);
  const plateaus: Array<{ start: number; end: number; h: number }> = [];
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && p(j + 1) === p(i)) j++;
    const h = p(i);
    const left = i > 0 ? p(i - 1) : -Infinity;
    const right = j < n - 1 ? p(j + 1) : -Infinity;
    if (h > -Infinity && left < h && right < h) plateaus.push({ start: i, end: j, h });
    i = j + 1;
  }
  const out: ProfilePeak[] = [];
  for (const pk of plateaus) {
    // Walk left until a higher point: the lowest value on the way is the left saddle.
    let minL = pk.h, k = pk.start - 1, higherL = false;
    while (k >= 0) {
      const v = p(k);
      if (v > pk.h) { higherL = true; break; }
      if (v < minL) minL = v;
      k--;
    }
    let minR = pk.h, higherR = false;
    k = pk.end + 1;
    while (k < n) {
      const v = p(k);
      if (v > pk.h) { higherR = true; break; }
      if (v < minR) minR = v;
      k++;
    }
    // Saddle: the higher of the two sides that lead to higher ground (or the region's end).
    let saddle: number;
    if (higherL && higherR) saddle = Math.max(minL, minR);
    else if (higherL) saddle = minL;
    else if (higherR) saddle = minR;
    else saddle = Math.max(minL, minR) === -Infinity ? Math.min(minL, minR) : Math.max(minL, minR);
    // The global maximum's prominence is its height above the lowest end of the region.
    if (!higherL && !higherR) saddle = Math.min(minL, minR);
    const prom = pk.h - (saddle === -Infinity ? 0 : saddle);
    if (prom >= minProminence || (!higherL && !higherR)) out.push({ start: pk.start, end: pk.end, height: pk.h, prominence: prom });
  }
  return out;
}
