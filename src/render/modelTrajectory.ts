/**
 * Inclusion trajectories from Model A (src/model, MODEL.md §2), evaluated at the frame times.
 *
 * Axis mapping: the model's lab axis x runs from the stripping electrode A to the plating
 * electrode B, i.e. towards the plating edge, while the render axis s points away from it; so
 * s = −s_model. The model starts with ends s1 = −L0, s2 = 0, which render as back = 0 and
 * front = L0; front = −s1 (the depositing end under positive current), back = −s2.
 * j_n = I / A_electrode from the scenario's piecewise-constant current.
 */
import { ConfigError, InputError } from '../core/errors.js';
import { defaultReducedParams, simulateReduced } from '../model/index.js';
import type { InclusionSample, ModelASpec, Scenario } from './scenarioSchema.js';

/**
 * @param m the inclusion's Model A block
 * @param angleDeg inclusion axis angle from the field axis [deg]
 * @param current the scenario's current block
 * @param timesS frame times [s]
 * @returns one trajectory sample per frame time (µm along the render axis)
 */
export function modelTrajectory(m: ModelASpec, angleDeg: number, current: NonNullable<Scenario['current']>, timesS: readonly number[]): InclusionSample[] {
  const p = defaultReducedParams();
  p.shape = m.shape;
  if (m.aspect_ratio !== undefined) p.aspectRatio = m.aspect_ratio;
  p.thetaRad = (angleDeg * Math.PI) / 180;
  p.sigmaSPerM = m.sigma_mS_per_cm * 0.1;
  p.widthM = m.width_um * 1e-6;
  p.temperatureK = m.temperature_K;
  p.hExtM = m.h_ext_um * 1e-6;
  p.hDissM = (m.h_diss_um ?? m.h_ext_um) * 1e-6;
  p.hRefillM = (m.h_refill_um ?? m.h_ext_um) * 1e-6;
  p.j0APerM2 = m.j0_mA_per_cm2 * 10;
  p.alphaA = m.alpha;
  p.etaThV = m.eta_th_mV === undefined ? null : m.eta_th_mV * 1e-3;
  p.etaRefillV = m.eta_refill_mV * 1e-3;
  p.kinetics = m.kinetics;
  const areaM2 = m.electrode_area_cm2 * 1e-4;
  const program = {
    tS: current.segments.map((s) => s.from_s),
    jnAPerM2: current.segments.map((s) => (s.current_mA * 1e-3) / areaM2),
  };
  const t0 = Math.min(timesS[0], program.tS[0]);
  let run;
  try {
    run = simulateReduced(p, program, { s1M: -m.length_um * 1e-6, s2M: 0, t0S: t0 }, timesS);
  } catch (e) {
    if (e instanceof InputError) throw new ConfigError(`inclusion model: ${e.message}`, e.hint, { cause: e });
    throw e;
  }
  return Array.from(run.tS, (t, i) => ({ t_s: t, back_um: -run.s2M[i] * 1e6, front_um: -run.s1M[i] * 1e6, patches_um: [] }));
}
