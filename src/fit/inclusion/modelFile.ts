/**
 * The fit model file (SPEC.md "Fit input and output"): YAML validated by a strict zod schema.
 * Unknown keys are an error that names the nearest valid key; bounds are checked for order and
 * for the parameter's domain.
 */
import { yaml } from '../../core/lazyYaml.js';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { PLATING_EDGES } from '../../core/types.js';

/** Parameters that can be fitted or fixed (SPEC.md names). */
export const INCLUSION_FIT_PARAMETERS = ['h_ext_um', 'eta_th_mV', 'j0_mA_per_cm2', 'thickness_ratio', 'eta_refill_mV', 'tau_s', 'clock_offset_s'] as const;
/** A fittable parameter name. */
export type InclusionFitParameter = (typeof INCLUSION_FIT_PARAMETERS)[number];

const num = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = num.refine((v) => v > 0, 'must be > 0');
const boundPair = z.tuple([num, num]);

const fixedShape = {
  h_ext_um: positive.optional(),
  eta_th_mV: num.refine((v) => v >= 0, 'must be ≥ 0').optional(),
  j0_mA_per_cm2: positive.optional(),
  thickness_ratio: positive.optional(),
  eta_refill_mV: num.refine((v) => v >= 0, 'must be ≥ 0').optional(),
  tau_s: positive.optional(),
  clock_offset_s: num.optional(),
  alpha: num.refine((v) => v > 0 && v < 1, 'must lie in (0, 1)').optional(),
};
const boundsShape = Object.fromEntries(INCLUSION_FIT_PARAMETERS.map((n) => [n, boundPair.optional()])) as Record<InclusionFitParameter, z.ZodOptional<typeof boundPair>>;

const topShape = {
  model: z.enum(['reduced', 'fv2d']),
  plating_edge: z.enum(PLATING_EDGES as unknown as [string, ...string[]]),
  shape: z.enum(['strip', 'penny', 'sphere', 'prolate']),
  aspect_ratio: num.refine((v) => v > 1, 'must be > 1').optional(),
  theta_deg: num.refine((v) => v > -90 && v < 90, 'must lie in (−90, 90) degrees').default(0),
  sigma_mS_per_cm: positive,
  electrode_area_cm2: positive,
  width_um: positive.default(400),
  temperature_K: positive.default(298.15),
  kinetics: z.enum(['bv', 'linear']).default('bv'),
  k_ic_MPa_sqrt_m: positive.default(0.6),
  geometry_factor_Y: positive.default(1),
  a_eff: z.enum(['half-length', 'half-envelope']).default('half-length'),
  poisson: num.refine((v) => v >= 0 && v < 0.5, 'must lie in [0, 0.5)').default(0.26),
  sigma_pos_um: positive.optional(),
  smoothing_eps_mV: num.refine((v) => v >= 0, 'must be ≥ 0').default(0.2),
  /** Multi-start points; default 12 for reduced, 3 for fv2d (seconds per Model B evaluation). */
  starts: z.number().int().min(1).max(200).optional(),
  seed: z.number().int().default(1),
  fixed: z.strictObject(fixedShape).default({}),
  fit: z.array(z.enum(INCLUSION_FIT_PARAMETERS)).min(1),
  bounds: z.strictObject(boundsShape).default({}),
};

/** Strict schema of the model file. */
export const modelFileSchema = z.strictObject(topShape);

/** A validated, fully defaulted model file. */
export type InclusionModelFile = z.infer<typeof modelFileSchema>;

const KEYS_AT: Record<string, string[]> = {
  '': Object.keys(topShape),
  fixed: Object.keys(fixedShape),
  bounds: [...INCLUSION_FIT_PARAMETERS],
};

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The valid key closest (edit distance) to `key` at a path ('' = top level). */
export function nearestKey(key: string, path: string): string | null {
  const keys = KEYS_AT[path] ?? [];
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of keys) {
    const dist = levenshtein(key, k);
    if (dist < bestD) {
      bestD = dist;
      best = k;
    }
  }
  return best;
}

/** Default bounds (MODEL.md §6) in user units; clock_offset_s is set from the frame interval. */
export const DEFAULT_BOUNDS: Record<Exclude<InclusionFitParameter, 'clock_offset_s'>, [number, number]> = {
  h_ext_um: [0.05, 5],
  eta_th_mV: [0, 20],
  j0_mA_per_cm2: [0.01, 1000],
  thickness_ratio: [0.2, 5],
  eta_refill_mV: [0, 20],
  tau_s: [1, 1e5],
};

/**
 * Parse and validate a model file.
 * @param text YAML text
 * @param source file name for messages
 * @throws ConfigError naming the key, the rule, the value and a fix
 */
export function parseModelFile(text: string, source = 'model.yaml'): InclusionModelFile {
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ConfigError(`${source}: not valid YAML: ${msg}`, 'fix the YAML syntax', { cause: e });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source}: expected a mapping of keys (model, plating_edge, shape, ...)`, 'see SPEC.md "Fit input and output" for an example');
  }
  const res = modelFileSchema.safeParse(raw);
  if (!res.success) {
    // A misspelt key also shows up as a missing one: report the unknown key first.
    const issue = res.error.issues.find((i) => i.code === 'unrecognized_keys') ?? res.error.issues[0];
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      const near = nearestKey(key, path);
      const where = path ? `${path}.${key}` : key;
      throw new ConfigError(`${source}: unknown key "${where}"${near ? ` (did you mean "${path ? path + '.' : ''}${near}"?)` : ''}`, `valid keys${path ? ' under ' + path : ''}: ${(KEYS_AT[path] ?? []).join(', ')}`);
    }
    const value = issue.path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k as string] : undefined), raw);
    if (value === undefined) {
      throw new ConfigError(`${source}: required key "${path}" is missing`, `add ${path}: ...; see SPEC.md "Fit input and output"`);
    }
    throw new ConfigError(`${source}: ${path || '(top level)'}: ${issue.message} (got ${JSON.stringify(value)})`, 'fix this value; see SPEC.md "Fit input and output"');
  }
  const m = res.data;
  // Cross-field rules.
  for (const name of m.fit) {
    if (name in m.fixed) throw new ConfigError(`${source}: ${name} is both in fit and in fixed`, `remove it from one of the two`);
  }
  if (new Set(m.fit).size !== m.fit.length) throw new ConfigError(`${source}: fit lists a parameter twice (${m.fit.join(', ')})`, 'list each parameter once');
  if (m.shape === 'prolate' && m.aspect_ratio === undefined) throw new ConfigError(`${source}: shape prolate needs aspect_ratio (a/b > 1)`, 'add e.g. aspect_ratio: 10');
  for (const [name, pair] of Object.entries(m.bounds) as Array<[InclusionFitParameter, [number, number] | undefined]>) {
    if (!pair) continue;
    const [lo, hi] = pair;
    if (!(lo < hi)) throw new ConfigError(`${source}: bounds.${name} = [${lo}, ${hi}]: lower must be < upper`, `write bounds.${name} as [lower, upper]`);
    const positiveOnly = name === 'h_ext_um' || name === 'j0_mA_per_cm2' || name === 'thickness_ratio' || name === 'tau_s';
    if (positiveOnly && !(lo > 0)) throw new ConfigError(`${source}: bounds.${name} = [${lo}, ${hi}]: ${name} is fitted in log space and needs lower > 0`, `use a positive lower bound, e.g. [${DEFAULT_BOUNDS[name as keyof typeof DEFAULT_BOUNDS][0]}, ${hi}]`);
    if ((name === 'eta_th_mV' || name === 'eta_refill_mV') && lo < 0) throw new ConfigError(`${source}: bounds.${name} = [${lo}, ${hi}]: thresholds cannot be negative`, `use a lower bound ≥ 0`);
  }
  if (m.fit.includes('tau_s') && m.shape !== 'strip') throw new ConfigError(`${source}: tau_s (pressurisation lag) is defined for shape strip only (MODEL.md §2.6, 2D plane strain)`, 'use shape: strip or remove tau_s from fit');
  return m;
}
