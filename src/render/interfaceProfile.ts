/**
 * The rough Li | LLZO interface: depth u_int(v) [px] of the interface from the plating border
 * as a function of the along-edge position v [px]; the electrode is {u < u_int(v)}.
 * Three sinusoids (wavelengths λ, λ/2.37, λ/5.13, amplitudes 1 : ½ : ¼) with seeded phases,
 * scaled so that the RMS waviness equals the requested roughness.
 */
import { createPrng } from './prng.js';

export interface InterfaceProfile {
  /** Mean depth [px]. */
  meanDepthPx: number;
  /** Interface depth at along-edge position v [px]. */
  depthPx(vPx: number): number;
  /** Largest depth anywhere [px] (bound for rendering). */
  maxDepthPx: number;
}

/**
 * @param meanDepthPx mean interface depth from the plating border [px]
 * @param rmsPx RMS waviness [px]
 * @param wavelengthPx dominant wavelength [px]
 * @param seed scenario seed
 */
export function interfaceProfile(meanDepthPx: number, rmsPx: number, wavelengthPx: number, seed: number): InterfaceProfile {
  const rng = createPrng(seed, 'interface');
  const rel = [1, 0.5, 0.25];
  const lambdas = [wavelengthPx, wavelengthPx / 2.37, wavelengthPx / 5.13];
  const norm = Math.sqrt(rel.reduce((s, a) => s + (a * a) / 2, 0));
  const amps = rel.map((a) => (rmsPx * a) / norm);
  const phases = rel.map(() => rng.range(0, 2 * Math.PI));
  const k = lambdas.map((l) => (2 * Math.PI) / l);
  return {
    meanDepthPx,
    maxDepthPx: meanDepthPx + amps.reduce((s, a) => s + a, 0),
    depthPx: (v) => meanDepthPx + amps[0] * Math.sin(k[0] * v + phases[0]) + amps[1] * Math.sin(k[1] * v + phases[1]) + amps[2] * Math.sin(k[2] * v + phases[2]),
  };
}
