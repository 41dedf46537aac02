/**
 * Thinning of long series for plotting: hours of video give tens of thousands of points per
 * track, which make multi-megabyte specs and SVGs that show nothing more at print resolution.
 * The data files keep every point; only the figures are thinned.
 */

/** Most points per plotted series (≈ 2 per horizontal pixel of a 180 mm, 300 dpi panel / 2). */
export const MAX_POINTS_PER_SERIES = 1500;

/**
 * Every k-th element (k = ceil(n / max)), always keeping the last; the input order is kept.
 * @returns the input itself when it is short enough
 */
export function decimate<T>(rows: readonly T[], max = MAX_POINTS_PER_SERIES): T[] {
  if (rows.length <= max) return [...rows];
  const k = Math.ceil(rows.length / max);
  const out: T[] = [];
  for (let i = 0; i < rows.length; i += k) out.push(rows[i]);
  if (out[out.length - 1] !== rows[rows.length - 1]) out.push(rows[rows.length - 1]);
  return out;
}

/**
 * A held (step) signal reduced to the samples where it changes, plus the last one; a
 * potentiostat log at 10 Hz over hours becomes a handful of steps. Falls back to
 * {@link decimate} when the signal changes at almost every sample (a ramp, noise).
 */
export function stepChanges<T>(rows: readonly T[], value: (r: T) => number, max = MAX_POINTS_PER_SERIES): T[] {
  if (rows.length <= 2) return [...rows];
  const out: T[] = [rows[0]];
  for (let i = 1; i < rows.length; i++) if (value(rows[i]) !== value(rows[i - 1])) out.push(rows[i]);
  if (out[out.length - 1] !== rows[rows.length - 1]) out.push(rows[rows.length - 1]);
  return out.length <= max ? out : decimate(rows, max);
}
