/**
 * Position noise from high-frequency content: for a smooth track sampled at a uniform interval,
 * second differences x[i+1] − 2x[i] + x[i−1] are noise with variance 6σ². σ is taken from
 * their median absolute deviation (1.4826·MAD/√6), which ignores the few kinks at current steps.
 */
import { medianAbsoluteDeviation } from 'simple-statistics';

/**
 * @param tracks one or more position series [µm] (each in time order)
 * @returns σ_pos [µm], or NaN when fewer than 5 second differences exist
 */
export function estimateSigmaPosUm(tracks: ArrayLike<number>[]): number {
  const d2: number[] = [];
  for (const x of tracks) for (let i = 1; i + 1 < x.length; i++) d2.push(x[i + 1] - 2 * x[i] + x[i - 1]);
  if (d2.length < 5) return Number.NaN;
  return (1.482602218505602 * medianAbsoluteDeviation(d2)) / Math.sqrt(6);
}
