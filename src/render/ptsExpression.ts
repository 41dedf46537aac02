/**
 * An ffmpeg `setpts` expression that maps the frame number N to an arbitrary list of integer
 * timestamps: a balanced tree of if(lte(N,m),…,…), evaluated lazily by ffmpeg in O(log n).
 * This is how irregular (VFR) timestamps get into the container from a raw-video pipe.
 * @param ticks timestamp per frame in units of the input time base
 */
export function ptsExpression(ticks: readonly number[]): string {
  const build = (lo: number, hi: number): string => {
    if (lo === hi) return String(ticks[lo]);
    const mid = (lo + hi) >> 1;
    return `if(lte(N\\,${mid})\\,${build(lo, mid)}\\,${build(mid + 1, hi)})`;
  };
  if (ticks.length === 0) throw new RangeError('no timestamps');
  return build(0, ticks.length - 1);
}
