/**
 * Fit Model A (or a model with the same signature) to one inclusion's end tracks.
 *
 *   1. select the inclusion, map front/back to the field axis (plating_edge), check labels;
 *   2. current log → piecewise-constant j_n = I/A_electrode;
 *   3. σ_pos given or estimated from second differences; soft-ℓ1 loss, f_scale = 2σ_pos;
 *   4. residuals: front and back positions along the field axis minus the model, /σ_pos; the
 *      common position offset is eliminated analytically (variable projection) and the initial
 *      length L0 is a bounded nuisance parameter, so that neither is pinned to one noisy frame;
 *   5. fitLeastSquares: Sobol multi-start, covariance, identifiability (j0 fixed first when it
 *      cannot be separated from h_ext, MODEL.md §2.7), profile intervals for every fitted
 *      physical parameter (always η_th and j0), optional parametric bootstrap.
 */
import { FitError, InputError } from '../../core/errors.js';
import { F_OVER_VM_PA_PER_V, thermalVoltageV } from '../../core/units.js';
import { defaultReducedParams, shapeFactors, simulateReduced } from '../../model/index.js';
import type { CurrentProgram, InclusionState0, ReducedModelParams, ReducedRun } from '../../model/index.js';
import { fitLeastSquares, type FitResult } from '../fitLeastSquares.js';
import type { SeededRandom } from '../seededRandom.js';
import type { LeastSquaresProblem, ParameterSpec } from '../types.js';
import { currentSegments, type CurrentSegments } from './currentProgram.js';
import { estimateSigmaPosUm } from './estimateSigmaPos.js';
import { fieldAxisUm } from './fieldAxis.js';
import { DEFAULT_BOUNDS, type InclusionFitParameter, type InclusionModelFile } from './modelFile.js';
import type { CurrentLog } from './parseCurrentCsv.js';
import type { InclusionObservation } from './parseInclusionsCsv.js';

/** A forward model with Model A's signature (simulateReduced, or simulateFv2d when available). */
export type InclusionSimulator = (p: ReducedModelParams, program: CurrentProgram, state0: InclusionState0, timesS: ArrayLike<number>) => ReducedRun;

/** Options of fitInclusion. */
export interface FitInclusionOptions {
  /** Inclusion to fit; required when the table holds more than one. */
  inclusionId?: number;
  /** Parametric bootstrap replicates (0 = off). */
  bootstrap?: number;
  /** Forward model (default simulateReduced). */
  simulate?: InclusionSimulator;
  /** Number of multi-start points (default: model file `starts`). */
  starts?: number;
  /** Skip profile likelihoods (Jacobian intervals only), e.g. inside Monte Carlo loops. */
  skipProfiles?: boolean;
  /** Parameters to profile (default: every fitted physical parameter). */
  profile?: InclusionFitParameter[];
}

/** One row of fit-residuals.csv. */
export interface ResidualRow {
  tS: number;
  observable: 'front' | 'back';
  dataUm: number;
  modelUm: number;
  residualUm: number;
  normalised: number;
}

/** Result of an inclusion fit. */
export interface InclusionFit {
  inclusionId: number;
  modelFile: InclusionModelFile;
  fit: FitResult;
  /** Parameter values used by the final model (user units), fitted and fixed. */
  values: Record<InclusionFitParameter, number | null>;
  /** Pooled position noise of both ends [µm] (given, or estimated from the data). */
  sigmaPosUm: number;
  /** Position noise of each end used to weight its residuals [µm]. */
  sigmaFrontUm: number;
  sigmaBackUm: number;
  sigmaPosSource: 'given' | 'estimated';
  nPoints: number;
  frameIntervalS: number;
  /** Initial length L0 [µm] (nuisance) and its standard error. */
  length0Um: { value: number; se: number | null };
  /** Field-axis origin: the first frame's front [µm, lab axis]. */
  originUm: number;
  rows: ResidualRow[];
  /** Parameter names fitted (model-file order) and their units. */
  units: Record<InclusionFitParameter, string>;
}

/** Units of the fit parameters. */
export const PARAMETER_UNITS: Record<InclusionFitParameter, string> = {
  h_ext_um: 'um',
  eta_th_mV: 'mV',
  j0_mA_per_cm2: 'mA/cm2',
  thickness_ratio: '1',
  eta_refill_mV: 'mV',
  tau_s: 's',
  clock_offset_s: 's',
};

/** Model defaults used for parameters neither fitted nor fixed (defaultReducedParams, MODEL.md §5). */
function defaultValue(name: InclusionFitParameter): number | null {
  const d = defaultReducedParams();
  switch (name) {
    case 'h_ext_um':
      return d.hExtM * 1e6;
    case 'eta_th_mV':
      return null; // η_K(a_eff) from K_IC
    case 'j0_mA_per_cm2':
      return d.j0APerM2 / 10;
    case 'thickness_ratio':
      return d.hDissM / d.hExtM;
    case 'eta_refill_mV':
      return d.etaRefillV * 1e3;
    case 'tau_s':
      return null; // no pressurisation lag
    case 'clock_offset_s':
      return 0;
  }
}

const LENGTH0 = 'length0_um';

interface Prepared {
  id: number;
  tS: Float64Array;
  frontUm: Float64Array;
  backUm: Float64Array;
  originUm: number;
  frameIntervalS: number;
  segments: CurrentSegments;
  cosTheta: number;
}

function prepare(obs: InclusionObservation[], current: CurrentLog, m: InclusionModelFile, inclusionId: number | undefined): Prepared {
  const ids = [...new Set(obs.map((o) => o.inclusionId))].sort((a, b) => a - b);
  let id: number;
  if (inclusionId !== undefined) {
    if (!ids.includes(inclusionId)) throw new InputError(`--inclusion ${inclusionId}: no such inclusion_id in the table (ids: ${ids.join(', ')})`, 'choose one of the listed ids');
    id = inclusionId;
  } else if (ids.length === 1) {
    id = ids[0];
  } else {
    throw new InputError(`the inclusions table holds ${ids.length} inclusions (ids ${ids.join(', ')}); the fit needs one`, 'choose one with --inclusion ID');
  }
  const rows = obs.filter((o) => o.inclusionId === id).sort((a, b) => a.tS - b.tS);
  for (let i = 1; i < rows.length; i++) {
    if (!(rows[i].tS > rows[i - 1].tS)) throw new InputError(`inclusion ${id}: two rows at t_s = ${rows[i].tS} (lines ${rows[i - 1].line} and ${rows[i].line})`, 'keep one row per frame');
  }
  if (rows.length < 8) throw new FitError(`inclusion ${id} has ${rows.length} frames; the fit needs at least 8`, 'track the inclusion over more frames');
  const n = rows.length;
  const tS = Float64Array.from(rows, (r) => r.tS);
  const fRaw = Float64Array.from(rows, (r) => fieldAxisUm(r.frontXUm, r.frontYUm, m.plating_edge as never));
  const bRaw = Float64Array.from(rows, (r) => fieldAxisUm(r.backXUm, r.backYUm, m.plating_edge as never));
  const sep = Array.from(bRaw, (b, i) => b - fRaw[i]).sort((a, b) => a - b);
  if (!(sep[Math.floor(n / 2)] > 0)) {
    throw new InputError(
      `inclusion ${id}: the front is not farther from the plating edge (${m.plating_edge}) than the back (median back − front along the field axis = ${sep[Math.floor(n / 2)].toFixed(2)} µm)`,
      'check plating_edge in the model file: it must be the edge given to `lidtrack track`',
    );
  }
  const originUm = fRaw[0];
  const dts = Array.from({ length: n - 1 }, (_, i) => tS[i + 1] - tS[i]).sort((a, b) => a - b);
  const frameIntervalS = dts[Math.floor(dts.length / 2)];
  if (current.tS[0] > tS[n - 1] || current.tS[current.tS.length - 1] < tS[0]) {
    throw new InputError(
      `the current log (t = ${current.tS[0]}–${current.tS[current.tS.length - 1]} s) does not overlap the inclusion track (t = ${tS[0]}–${tS[n - 1]} s)`,
      'both must use the same clock (video time); shift the log or use clock_offset_s',
    );
  }
  return {
    id,
    tS,
    frontUm: Float64Array.from(fRaw, (v) => v - originUm),
    backUm: Float64Array.from(bRaw, (v) => v - originUm),
    originUm,
    frameIntervalS,
    segments: currentSegments(current, m.electrode_area_cm2),
    cosTheta: Math.cos((m.theta_deg * Math.PI) / 180),
  };
}

/** Everything needed to evaluate the model for a parameter vector. */
interface ModelEvaluator {
  specs: ParameterSpec[];
  /** Model end positions along the field axis [µm] (no offset) at the frame times. */
  predict(x: Float64Array): { front: Float64Array; back: Float64Array };
  values(x: Float64Array): Record<InclusionFitParameter, number | null>;
}

function makeEvaluator(m: InclusionModelFile, prep: Prepared, sigmaPosUm: number, simulate: InclusionSimulator): ModelEvaluator {
  const fitted = m.fit;
  const fixed = m.fixed as Partial<Record<InclusionFitParameter | 'alpha', number>>;
  const specs: ParameterSpec[] = fitted.map((name) => {
    const [lo, hi] = name === 'clock_offset_s' ? (m.bounds.clock_offset_s ?? [-2 * prep.frameIntervalS, 2 * prep.frameIntervalS]) : (m.bounds[name] ?? DEFAULT_BOUNDS[name]);
    const dv = defaultValue(name);
    const start = dv ?? (name === 'eta_th_mV' ? 0.5 * (lo + hi) : Math.sqrt(lo * hi));
    return {
      name,
      lower: lo,
      upper: hi,
      transform: name === 'eta_th_mV' || name === 'eta_refill_mV' || name === 'clock_offset_s' ? 'linear' : 'log',
      initial: Math.min(hi, Math.max(lo, start)),
      fallbackValue: name === 'j0_mA_per_cm2' ? (defaultValue(name) ?? undefined) : undefined,
      unit: PARAMETER_UNITS[name],
    } satisfies ParameterSpec;
  });
  // Nuisance initial length: median of the first frames, ± max(10 µm, 10σ).
  const k0 = Math.min(5, prep.tS.length);
  const l0s = Array.from({ length: k0 }, (_, i) => (prep.backUm[i] - prep.frontUm[i]) / prep.cosTheta).sort((a, b) => a - b);
  const l0 = l0s[Math.floor(k0 / 2)];
  const halfRange = Math.max(10, 10 * sigmaPosUm);
  specs.push({ name: LENGTH0, lower: Math.max(l0 - halfRange, 0.5 * l0), upper: l0 + halfRange, transform: 'linear', initial: l0, unit: 'um' });

  const base = defaultReducedParams();
  base.shape = m.shape;
  if (m.aspect_ratio !== undefined) base.aspectRatio = m.aspect_ratio;
  base.thetaRad = (m.theta_deg * Math.PI) / 180;
  base.sigmaSPerM = m.sigma_mS_per_cm * 0.1;
  base.widthM = m.width_um * 1e-6;
  base.temperatureK = m.temperature_K;
  base.kinetics = m.kinetics;
  base.kIcPaSqrtM = m.k_ic_MPa_sqrt_m * 1e6;
  base.geometryFactorY = m.geometry_factor_Y;
  base.aEff = m.a_eff;
  base.alphaA = fixed.alpha ?? 0.5;
  base.smoothingEpsV = m.smoothing_eps_mV * 1e-3;
  // 1e-6 changes the estimates by < 1e-7 relative vs 1e-7/1e-8 on the §6 set-up, at ~70 % of the cost.
  base.rtol = 1e-6;

  const values = (x: Float64Array): Record<InclusionFitParameter, number | null> => {
    const out = {} as Record<InclusionFitParameter, number | null>;
    for (const name of Object.keys(PARAMETER_UNITS) as InclusionFitParameter[]) {
      const k = fitted.indexOf(name);
      out[name] = k >= 0 ? x[k] : (fixed[name] ?? defaultValue(name));
    }
    return out;
  };
  const times = prep.tS;
  const predict = (x: Float64Array) => {
    const v = values(x);
    const l0Um = x[specs.length - 1];
    const p: ReducedModelParams = { ...base };
    p.hExtM = v.h_ext_um! * 1e-6;
    p.hDissM = p.hExtM * v.thickness_ratio!;
    p.hRefillM = p.hExtM;
    p.j0APerM2 = v.j0_mA_per_cm2! * 10;
    p.etaThV = v.eta_th_mV === null ? null : v.eta_th_mV * 1e-3;
    p.etaRefillV = v.eta_refill_mV! * 1e-3;
    if (v.tau_s !== null) {
      // τ = C·R_tot·(F/V_m)² at the initial length (MODEL.md §2.6) → the Young's modulus giving it.
      const lM = l0Um * 1e-6;
      const sf = shapeFactors(p.shape, lM, p.sigmaSPerM, p.widthM, p.aspectRatio);
      const rTot = sf.rAccOhm + (2 * thermalVoltageV(p.temperatureK)) / (p.j0APerM2 * sf.aCtM2);
      const nu = m.poisson;
      const cTimesE = 2 * Math.PI * (1 - nu * nu) * (0.5 * lM) ** 2 * p.widthM;
      p.lag = { youngPa: (cTimesE * rTot * F_OVER_VM_PA_PER_V ** 2) / v.tau_s, poisson: nu };
    }
    const shift = v.clock_offset_s ?? 0;
    const program: CurrentProgram = { tS: prep.segments.tS.map((t) => t - shift), jnAPerM2: prep.segments.jnAPerM2 };
    const run = simulate(p, program, { s1M: 0, s2M: l0Um * 1e-6, t0S: times[0] }, times);
    const front = new Float64Array(times.length);
    const back = new Float64Array(times.length);
    for (let i = 0; i < times.length; i++) {
      front[i] = run.s1M[i] * 1e6 * prep.cosTheta;
      back[i] = run.s2M[i] * 1e6 * prep.cosTheta;
    }
    return { front, back };
  };
  return { specs, predict, values };
}

/**
 * Residual problem for given data (variable projection of the common offset). Each end has its
 * own position noise: a depositing end in a narrowing crack tip scatters more than a dissolving
 * one, and one pooled σ would over-weight the noisier series.
 */
function makeProblem(ev: ModelEvaluator, dataFront: Float64Array, dataBack: Float64Array, sigmaFrontUm: number, sigmaBackUm: number): LeastSquaresProblem & { offsetUm(x: Float64Array): number } {
  const n = dataFront.length;
  const wF = 1 / (sigmaFrontUm * sigmaFrontUm), wB = 1 / (sigmaBackUm * sigmaBackUm);
  const offsetOf = (pred: { front: Float64Array; back: Float64Array }): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += wF * (dataFront[i] - pred.front[i]) + wB * (dataBack[i] - pred.back[i]);
    return s / (n * (wF + wB));
  };
  return {
    parameters: ev.specs,
    nResiduals: 2 * n,
    eliminatedDof: 1,
    residuals(x) {
      const pred = ev.predict(x);
      const c = offsetOf(pred);
      const r = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        r[i] = (dataFront[i] - pred.front[i] - c) / sigmaFrontUm;
        r[n + i] = (dataBack[i] - pred.back[i] - c) / sigmaBackUm;
      }
      return r;
    },
    offsetUm: (x) => offsetOf(ev.predict(x)),
  };
}

/**
 * Fit one inclusion.
 * @param observations rows of inclusions.csv
 * @param current current log (video clock unless clock_offset_s is fitted or fixed)
 * @param modelFile validated model file
 * @throws InputError for unusable data, FitError when the fit cannot be set up
 */
export function fitInclusion(observations: InclusionObservation[], current: CurrentLog, modelFile: InclusionModelFile, options: FitInclusionOptions = {}): InclusionFit {
  const prep = prepare(observations, current, modelFile, options.inclusionId);
  const estimated = estimateSigmaPosUm([prep.frontUm, prep.backUm]);
  const sigmaPosUm = modelFile.sigma_pos_um ?? estimated;
  if (!(sigmaPosUm > 0)) {
    throw new FitError(`cannot estimate the position noise of inclusion ${prep.id} (σ_pos = ${sigmaPosUm})`, 'give sigma_pos_um in the model file');
  }
  // Per end (given: the same for both). Floored at 0.3 × the pooled σ, so a nearly still end
  // cannot take all the weight.
  const perEnd = (x: Float64Array) => {
    const e = estimateSigmaPosUm([x]);
    return Number.isFinite(e) ? Math.max(e, 0.3 * sigmaPosUm) : sigmaPosUm;
  };
  const sigmaFrontUm = modelFile.sigma_pos_um ?? perEnd(prep.frontUm);
  const sigmaBackUm = modelFile.sigma_pos_um ?? perEnd(prep.backUm);
  const simulate = options.simulate ?? simulateReduced;
  const ev = makeEvaluator(modelFile, prep, sigmaPosUm, simulate);
  const problem = makeProblem(ev, prep.frontUm, prep.backUm, sigmaFrontUm, sigmaBackUm);
  const p = ev.specs.length;
  if (problem.nResiduals <= p + 1) throw new FitError(`${problem.nResiduals} data points for ${p + 1} parameters`, 'track more frames or fit fewer parameters');
  const physical = modelFile.fit.filter((n) => n !== 'clock_offset_s');
  const bootstrapN = options.bootstrap ?? 0;
  const starts = options.starts ?? modelFile.starts ?? (modelFile.model === 'fv2d' ? 3 : 12);
  const fit = fitLeastSquares(problem, {
    loss: 'soft_l1',
    fScale: 2,
    diffStep: 1e-4,
    starts,
    refitStarts: Math.min(starts, Math.max(4, Math.ceil(starts / 2))),
    profile: options.skipProfiles ? [] : (options.profile ?? physical),
    profileBeforeFixing: options.skipProfiles ? [] : ['j0_mA_per_cm2'],
    fixPreference: ['j0_mA_per_cm2', 'tau_s', 'eta_refill_mV', 'clock_offset_s', 'thickness_ratio', 'eta_th_mV', 'h_ext_um'],
    maxIterations: 100,
    broydenUpdates: 2, // ~20 % fewer model evaluations on the §6 problem, same estimates (≤ 1e-7 relative)
    ftol: 1e-8,
    xtol: 1e-8,
    gtol: 1e-8,
    bootstrap:
      bootstrapN > 0
        ? {
            replicates: bootstrapN,
            seed: modelFile.seed,
            resample: (rng: SeededRandom, xFull: Float64Array, s2: number) => {
              const pred = ev.predict(xFull);
              const c = problem.offsetUm(xFull);
              const k = Math.sqrt(Math.max(s2, 1e-12));
              const f = Float64Array.from(pred.front, (v) => v + c + sigmaFrontUm * k * rng.normal());
              const b = Float64Array.from(pred.back, (v) => v + c + sigmaBackUm * k * rng.normal());
              return makeProblem(ev, f, b, sigmaFrontUm, sigmaBackUm);
            },
          }
        : null,
  });
  const pred = ev.predict(fit.x);
  const c = problem.offsetUm(fit.x);
  const rows: ResidualRow[] = [];
  const n = prep.tS.length;
  for (const [obs, data, model] of [['front', prep.frontUm, pred.front], ['back', prep.backUm, pred.back]] as const) {
    for (let i = 0; i < n; i++) {
      const mU = model[i] + c;
      rows.push({ tS: prep.tS[i], observable: obs, dataUm: data[i], modelUm: mU, residualUm: data[i] - mU, normalised: (data[i] - mU) / (obs === 'front' ? sigmaFrontUm : sigmaBackUm) });
    }
  }
  rows.sort((a, b) => a.tS - b.tS || (a.observable === b.observable ? 0 : a.observable === 'front' ? -1 : 1));
  const l0 = fit.parameters.find((q) => q.name === LENGTH0)!;
  return {
    inclusionId: prep.id,
    modelFile,
    fit,
    values: ev.values(fit.x),
    sigmaPosUm,
    sigmaFrontUm,
    sigmaBackUm,
    sigmaPosSource: modelFile.sigma_pos_um !== undefined ? 'given' : 'estimated',
    nPoints: problem.nResiduals,
    frameIntervalS: prep.frameIntervalS,
    length0Um: { value: l0.value, se: l0.se },
    originUm: prep.originUm,
    rows,
    units: PARAMETER_UNITS,
  };
}
