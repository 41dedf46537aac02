/**
 * Synthetic inclusion experiments for fit tests and the recovery benchmark: MODEL.md §6 set-up
 * (strip, L0 = 300 µm, θ = 0, σ = 1 mS/cm; +0.47 mA/cm² 20 min, −0.47 20 min, +0.94 10 min;
 * frames every 10 s; 1 µm noise per end; truth h_ext = 1 µm, η_th = 5 mV, j0 = 5 mA/cm²,
 * r = 1.2), simulated with the sharp-threshold Model A at rtol 1e-8 and written in image
 * coordinates for a chosen plating edge.
 */
import type { PlatingEdge } from '../../src/core/types.js';
import type { InclusionObservation } from '../../src/fit/inclusion/parseInclusionsCsv.js';
import type { CurrentLog } from '../../src/fit/inclusion/parseCurrentCsv.js';
import { parseModelFile, type InclusionModelFile } from '../../src/fit/inclusion/modelFile.js';
import { seededRandom } from '../../src/fit/seededRandom.js';
import { defaultReducedParams, simulateReduced } from '../../src/model/index.js';

export interface SyntheticTruth {
  hExtUm: number;
  etaThMV: number;
  j0MAPerCm2: number;
  thicknessRatio: number;
  length0Um: number;
  noiseUm: number;
  clockOffsetS: number;
}

export const SECTION6_TRUTH: SyntheticTruth = { hExtUm: 1, etaThMV: 5, j0MAPerCm2: 5, thicknessRatio: 1.2, length0Um: 300, noiseUm: 1, clockOffsetS: 0 };

export const ELECTRODE_AREA_CM2 = 0.25;

/** Current log every 10 s in the current-log clock (t_log = t_video + clockOffsetS). */
export function section6CurrentLog(): CurrentLog {
  const t: number[] = [];
  const i: number[] = [];
  for (let k = 0; k <= 300; k++) {
    const ts = k * 10;
    const jMAPerCm2 = ts < 1200 ? 0.47 : ts < 2400 ? -0.47 : 0.94;
    t.push(ts);
    i.push(jMAPerCm2 * ELECTRODE_AREA_CM2);
  }
  return { tS: Float64Array.from(t), currentMA: Float64Array.from(i) };
}

/** Image position [µm] of a lab-axis coordinate xLab [µm] for a plating edge (frame 1200×1000 µm). */
function toImage(xLabUm: number, crossUm: number, edge: PlatingEdge): [number, number] {
  switch (edge) {
    case 'right':
      return [200 + xLabUm, crossUm];
    case 'left':
      return [900 - xLabUm, crossUm];
    case 'bottom':
      return [crossUm, 200 + xLabUm];
    case 'top':
      return [crossUm, 900 - xLabUm];
  }
}

/** Simulate the §6 experiment and return inclusions.csv rows (one inclusion, id 1). */
export function section6Observations(seed: number, truth: SyntheticTruth = SECTION6_TRUTH, edge: PlatingEdge = 'left', nFrames = 301, frameIntervalS = 10): InclusionObservation[] {
  const p = defaultReducedParams();
  p.sigmaSPerM = 0.1;
  p.hExtM = truth.hExtUm * 1e-6;
  p.hRefillM = p.hExtM;
  p.hDissM = p.hExtM * truth.thicknessRatio;
  p.j0APerM2 = truth.j0MAPerCm2 * 10;
  p.etaThV = truth.etaThMV * 1e-3;
  p.smoothingEpsV = 0;
  p.rtol = 1e-9;
  // Program in the video clock: the log's step times minus the clock offset.
  const program = { tS: [0, 1200, 2400].map((t) => t - truth.clockOffsetS), jnAPerM2: [4.7, -4.7, 9.4] };
  const times = Float64Array.from({ length: nFrames }, (_, k) => k * frameIntervalS);
  const run = simulateReduced(p, program, { s1M: 0, s2M: truth.length0Um * 1e-6, t0S: 0 }, times);
  const rng = seededRandom(seed);
  const out: InclusionObservation[] = [];
  for (let k = 0; k < nFrames; k++) {
    const xf = 150 + run.s1M[k] * 1e6 + truth.noiseUm * rng.normal();
    const xb = 150 + run.s2M[k] * 1e6 + truth.noiseUm * rng.normal();
    const [fx, fy] = toImage(xf, 400 + 0.3 * rng.normal(), edge);
    const [bx, by] = toImage(xb, 400 + 0.3 * rng.normal(), edge);
    out.push({
      inclusionId: 1,
      frame: k,
      tS: times[k],
      frontXUm: fx,
      frontYUm: fy,
      backXUm: bx,
      backYUm: by,
      centroidXUm: (fx + bx) / 2,
      centroidYUm: (fy + by) / 2,
      areaUm2: (run.lengthM[k] * 1e6) * 2,
      line: k + 2,
    });
  }
  return out;
}

/** The §6 model file (j0 fixed) as YAML text. */
export function section6ModelYaml(edge: PlatingEdge = 'left', fit = '[h_ext_um, eta_th_mV, thickness_ratio]', fixed = '{j0_mA_per_cm2: 5.0, alpha: 0.5}'): string {
  return [
    'model: reduced',
    `plating_edge: ${edge}`,
    'shape: strip',
    'theta_deg: 0',
    'sigma_mS_per_cm: 1.0',
    `electrode_area_cm2: ${ELECTRODE_AREA_CM2}`,
    'width_um: 400',
    'temperature_K: 298.15',
    `fixed: ${fixed}`,
    `fit: ${fit}`,
    'bounds: {h_ext_um: [0.05, 5], eta_th_mV: [0, 20], thickness_ratio: [0.2, 5], j0_mA_per_cm2: [0.01, 1000]}',
    '',
  ].join('\n');
}

export function section6Model(edge: PlatingEdge = 'left'): InclusionModelFile {
  return parseModelFile(section6ModelYaml(edge));
}

/** inclusions.csv text for observations. */
export function inclusionsCsvText(obs: InclusionObservation[]): string {
  const head = 'inclusion_id,frame,t_s,front_x_um,front_y_um,back_x_um,back_y_um,centroid_x_um,centroid_y_um,area_um2';
  const f = (x: number) => Number(x.toFixed(4)); // 0.1 nm: far below the 1 µm noise
  return [head, ...obs.map((o) => [o.inclusionId, o.frame, o.tS, f(o.frontXUm), f(o.frontYUm), f(o.backXUm), f(o.backYUm), f(o.centroidXUm), f(o.centroidYUm), f(o.areaUm2)].join(','))].join('\n') + '\n';
}

/** current CSV text (header in mixed case on purpose). */
export function currentCsvText(log: CurrentLog): string {
  return ['T_s,Current_mA', ...Array.from(log.tS, (t, i) => `${t},${log.currentMA[i]}`)].join('\n') + '\n';
}
