/**
 * Per-frame stage drift and lamp gain.
 *
 * Drift d(t) = A · ê · (1 − cos(π τ))/2 + j_i, τ = (t − t_0)/(t_end − t_0): a smooth S-shaped
 * travel of amplitude A [px] along direction ê (given or seeded), plus per-frame Gaussian
 * jitter j_i (σ per axis, seeded; none on frame 0). The scene is displaced by d: a feature at
 * sample position p appears at image position p + d.
 * Gain g_i = 1 + f·u_i, u_i uniform in [−1, 1] (seeded), f = flicker_pct/100; g_0 = 1.
 */
import { createPrng } from './prng.js';
import type { Scenario } from './scenarioSchema.js';

export interface CameraMotion {
  driftXPx: number[];
  driftYPx: number[];
  gain: number[];
}

/** Drift and gain for every frame time. */
export function cameraMotion(sc: Scenario, timesS: readonly number[]): CameraMotion {
  const { drift, flicker_pct } = sc.optics;
  const rng = createPrng(sc.seed, 'drift');
  const dirRad = drift.direction_deg !== undefined ? (drift.direction_deg * Math.PI) / 180 : rng.range(0, 2 * Math.PI);
  const t0 = timesS[0];
  const span = Math.max(timesS[timesS.length - 1] - t0, 1e-9);
  const jit = createPrng(sc.seed, 'jitter');
  const fl = createPrng(sc.seed, 'flicker');
  const driftXPx: number[] = [];
  const driftYPx: number[] = [];
  const gain: number[] = [];
  timesS.forEach((t, i) => {
    const tau = (t - t0) / span;
    const s = (drift.amplitude_px * (1 - Math.cos(Math.PI * tau))) / 2;
    const jx = jit.normal() * drift.jitter_px;
    const jy = jit.normal() * drift.jitter_px;
    driftXPx.push(s * Math.cos(dirRad) + (i === 0 ? 0 : jx));
    driftYPx.push(s * Math.sin(dirRad) + (i === 0 ? 0 : jy));
    const u = fl.range(-1, 1);
    gain.push(i === 0 ? 1 : 1 + (flicker_pct / 100) * u);
  });
  return { driftXPx, driftYPx, gain };
}
