/**
 * Strict reader of a finished run folder. Required: tracks.csv and summary.json. Optional:
 * inclusions.csv, drift.csv, current.csv, fit.json (+ fit-residuals.csv), manifest.json,
 * keyframes/*.png, kymographs/*.png. Errors name the file and the line (CSV) or JSON path.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { integerCell, numberCell, parseCsv, requireColumn } from './csvTable.js';
import type {
  CurrentPoint,
  DriftPoint,
  FitSummary,
  InclusionPoint,
  RawTable,
  RunFolder,
  RunImage,
  RunSummary,
  TrackPoint,
} from './runFolderTypes.js';

const TRACK_COLUMNS = ['track_id', 'frame', 't_s', 'tip_x_px', 'tip_y_px', 'tip_x_um', 'tip_y_um', 'length_um'] as const;
const INCLUSION_COLUMNS = [
  'inclusion_id', 'frame', 't_s', 'front_x_um', 'front_y_um', 'back_x_um', 'back_y_um', 'centroid_x_um', 'centroid_y_um', 'area_um2',
] as const;

function readText(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${name}: cannot read ${path}`, 'check that the run folder is complete and readable', { cause: e });
  }
}

/** Parse tracks.csv text (contract columns required, extra numeric columns kept). */
export function parseTracksCsv(text: string, file = 'tracks.csv'): TrackPoint[] {
  const t = parseCsv(text, file);
  const c = TRACK_COLUMNS.map((n) => requireColumn(t, n));
  const extraCols = t.header.map((h, i) => [h, i] as const).filter(([h]) => !(TRACK_COLUMNS as readonly string[]).includes(h));
  return t.rows.map((r) => {
    const extra: Record<string, number> = {};
    for (const [h, i] of extraCols) {
      const raw = r.cells[i].trim();
      extra[h] = raw === '' ? Number.NaN : Number(raw);
    }
    return {
      trackId: integerCell(t, r, c[0]),
      frame: integerCell(t, r, c[1]),
      tS: numberCell(t, r, c[2]),
      tipXPx: numberCell(t, r, c[3]),
      tipYPx: numberCell(t, r, c[4]),
      tipXUm: numberCell(t, r, c[5]),
      tipYUm: numberCell(t, r, c[6]),
      lengthUm: numberCell(t, r, c[7]),
      extra,
    };
  });
}

/** Parse inclusions.csv text. */
export function parseInclusionsCsv(text: string, file = 'inclusions.csv'): InclusionPoint[] {
  const t = parseCsv(text, file);
  const c = INCLUSION_COLUMNS.map((n) => requireColumn(t, n));
  return t.rows.map((r) => ({
    inclusionId: integerCell(t, r, c[0]),
    frame: integerCell(t, r, c[1]),
    tS: numberCell(t, r, c[2]),
    frontXUm: numberCell(t, r, c[3]),
    frontYUm: numberCell(t, r, c[4]),
    backXUm: numberCell(t, r, c[5]),
    backYUm: numberCell(t, r, c[6]),
    centroidXUm: numberCell(t, r, c[7]),
    centroidYUm: numberCell(t, r, c[8]),
    areaUm2: numberCell(t, r, c[9], true),
  }));
}

/** Parse drift.csv text (`t_s,dx_px,dy_px`). */
export function parseDriftCsv(text: string, file = 'drift.csv'): DriftPoint[] {
  const t = parseCsv(text, file);
  const [ct, cx, cy] = ['t_s', 'dx_px', 'dy_px'].map((n) => requireColumn(t, n));
  return t.rows.map((r) => ({ tS: numberCell(t, r, ct), dxPx: numberCell(t, r, cx), dyPx: numberCell(t, r, cy) }));
}

/** Parse a current log (`t_s,current_mA[,voltage_V]`). */
export function parseCurrentCsv(text: string, file = 'current.csv'): CurrentPoint[] {
  const t = parseCsv(text, file);
  const ct = requireColumn(t, 't_s');
  const ci = requireColumn(t, 'current_mA');
  const cv = t.header.indexOf('voltage_V');
  return t.rows.map((r) => ({
    tS: numberCell(t, r, ct),
    currentMA: numberCell(t, r, ci),
    voltageV: cv >= 0 ? numberCell(t, r, cv, true) : null,
  }));
}

/** Parse a CSV whose columns are not fixed by the contract (fit-residuals.csv): cells kept as text. */
export function parseRawCsv(text: string, file: string): RawTable {
  const t = parseCsv(text, file);
  return { header: t.header, rows: t.rows.map((r) => r.cells) };
}

// ---- JSON ------------------------------------------------------------------------------------
const num = z.number().nullable().optional();
const ci = z.tuple([z.number().nullable(), z.number().nullable()]).nullable().optional();

const rateSchema = z.looseObject({
  t_s: z.number(),
  velocity_um_per_s: z.number(),
  ci95: ci,
  velocity_ci95_um_per_s: ci,
  j_tip_A_per_cm2: num,
  j_tip_ci95_A_per_cm2: ci,
});

const branchSchema = z.looseObject({
  id: z.number().int(),
  dendrite_id: z.number().int(),
  first_t_s: z.number(),
  last_t_s: z.number(),
  final_length_um: num,
  velocity_um_per_s: num,
  velocity_ci95_um_per_s: ci,
});

const phaseSchema = z.looseObject({
  t_start_s: z.number(),
  t_end_s: z.number(),
  current_sign: z.number(),
  front_velocity_um_per_s: num,
  back_velocity_um_per_s: num,
  area_change_rel: num,
});

/** Parse an optional part; on failure return null and record why (file, JSON path, rule). */
function optionalPart<T>(value: unknown, schema: z.ZodType<T>, where: string, warnings: string[]): T | null {
  if (value === undefined || value === null) return null;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  warnings.push(`${where}${path}: ${issue.message} — ignored`);
  return null;
}

const summarySchema = z.looseObject({
  tracks: z.array(
    z.looseObject({
      id: z.number().int(),
      velocity_um_per_s: num,
      velocity_ci95_um_per_s: ci,
      j_tip_A_per_cm2: num,
      j_tip_ci95_A_per_cm2: ci,
      t_start_s: num,
      t_end_s: num,
      n_points: num,
      intercept_um: num,
      // Optional extensions are checked on their own: a malformed one is dropped with a
      // warning instead of failing the whole report.
      rates: z.unknown().optional(),
    }),
  ),
  inclusions: z.array(z.looseObject({ id: z.number().int(), phases: z.unknown().optional() })).optional(),
  branches: z.unknown().optional(),
  video: z.record(z.string(), z.unknown()).nullable().optional(),
  calibration: z.record(z.string(), z.unknown()).nullable().optional(),
  lidtrack_version: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
  warnings: z.unknown().optional(),
});

const fitSchema = z.looseObject({
  model: z.string(),
  converged: z.boolean(),
  chi2_red: num,
  parameters: z.record(
    z.string(),
    z.looseObject({
      value: z.number().nullable(),
      ci95: ci,
      ci_method: z.string().nullable().optional(),
      unit: z.string().optional(),
      fixed: z.boolean().optional(),
      source: z.string().optional(),
      at_bound: z.union([z.boolean(), z.string()]).nullable().optional(),
    }),
  ),
  correlations: z.record(z.string(), z.unknown()).optional(),
  not_identifiable: z.array(z.looseObject({ name: z.string(), reason: z.string() })).optional(),
});

function parseJson<T>(text: string, file: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, 'the file may be truncated; rerun the stage that writes it', { cause: e });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new InputError(`${file}: ${path || '(top level)'}: ${issue.message}`, 'the file must follow SPEC.md; regenerate it with the current lidtrack');
  }
  return r.data;
}

const nn = (x: number | null | undefined): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);
const pair = (x: [number | null, number | null] | null | undefined): [number, number] | null =>
  x && x[0] !== null && x[1] !== null && Number.isFinite(x[0]) && Number.isFinite(x[1]) ? [x[0], x[1]] : null;

/** Parse summary.json text. */
export function parseSummaryJson(text: string, file = 'summary.json'): RunSummary {
  const s = parseJson(text, file, summarySchema);
  const warnings: string[] = [];
  return {
    tracks: s.tracks.map((t, ti) => ({
      id: t.id,
      velocityUmPerS: nn(t.velocity_um_per_s),
      velocityCi95UmPerS: pair(t.velocity_ci95_um_per_s),
      jTipAPerCm2: nn(t.j_tip_A_per_cm2),
      jTipCi95APerCm2: pair(t.j_tip_ci95_A_per_cm2),
      tStartS: nn(t.t_start_s),
      tEndS: nn(t.t_end_s),
      nPoints: nn(t.n_points),
      interceptUm: nn(t.intercept_um),
      rates: (optionalPart(t.rates, z.array(rateSchema), `${file}: tracks[${ti}].rates`, warnings) ?? []).map((r) => ({
        tS: r.t_s,
        velocityUmPerS: r.velocity_um_per_s,
        velocityCi95UmPerS: pair(r.velocity_ci95_um_per_s ?? r.ci95),
        jTipAPerCm2: nn(r.j_tip_A_per_cm2) ?? Number.NaN,
        jTipCi95APerCm2: pair(r.j_tip_ci95_A_per_cm2),
      })),
    })),
    inclusions: (s.inclusions ?? []).map((i, ii) => ({
      id: i.id,
      phases: (optionalPart(i.phases, z.array(phaseSchema), `${file}: inclusions[${ii}].phases`, warnings) ?? []).map((p) => ({
        tStartS: p.t_start_s,
        tEndS: p.t_end_s,
        currentSign: p.current_sign,
        frontVelocityUmPerS: nn(p.front_velocity_um_per_s),
        backVelocityUmPerS: nn(p.back_velocity_um_per_s),
        areaChangeRel: nn(p.area_change_rel),
      })),
    })),
    branches: (optionalPart(s.branches, z.array(branchSchema), `${file}: branches`, warnings) ?? []).map((b) => ({
      id: b.id,
      dendriteId: b.dendrite_id,
      firstTS: b.first_t_s,
      lastTS: b.last_t_s,
      finalLengthUm: nn(b.final_length_um),
      velocityUmPerS: nn(b.velocity_um_per_s),
      velocityCi95UmPerS: pair(b.velocity_ci95_um_per_s),
    })),
    video: s.video ?? null,
    calibration: s.calibration ?? null,
    lidtrackVersion: s.lidtrack_version ?? null,
    status: s.status ?? null,
    runNotes: optionalPart(s.warnings, z.array(z.string()), `${file}: warnings`, warnings) ?? [],
    warnings,
  };
}

/** Parse fit.json text. */
export function parseFitJson(text: string, file = 'fit.json'): FitSummary {
  const f = parseJson(text, file, fitSchema);
  return {
    model: f.model,
    converged: f.converged,
    chi2Red: nn(f.chi2_red),
    parameters: Object.entries(f.parameters).map(([name, p]) => ({
      name,
      value: nn(p.value),
      ci95: pair(p.ci95),
      ciMethod: p.ci_method ?? null,
      unit: p.unit ?? '',
      fixed: p.fixed ?? false,
      note: p.source ?? (p.at_bound === true ? 'at a bound' : typeof p.at_bound === 'string' ? `at ${p.at_bound} bound` : null),
    })),
    correlations: f.correlations ?? {},
    notIdentifiable: (f.not_identifiable ?? []).map((n) => ({ name: n.name, reason: n.reason })),
  };
}

function listPngs(dir: string): RunImage[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((n) => n.toLowerCase().endsWith('.png') && !n.startsWith('.'))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
}

/**
 * Read a finished run folder. Throws InputError when the folder or a required file is missing
 * or any file breaks its contract.
 * @param dir run folder (the `--out` of `track`/`run`)
 */
export function readRunFolder(dir: string): RunFolder {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new InputError(`run folder ${dir} does not exist`, 'pass the --out folder of a finished `lidtrack track` or `run`');
  }
  for (const req of ['tracks.csv', 'summary.json']) {
    if (!existsSync(join(abs, req))) {
      throw new InputError(`${req} is missing in ${dir}`, 'the run did not finish; rerun `lidtrack track` (report needs tracks.csv and summary.json)');
    }
  }
  const has = (n: string): boolean => existsSync(join(abs, n));
  const text = (n: string): string => readText(join(abs, n), n);
  let manifest: Record<string, unknown> | null = null;
  if (has('manifest.json')) manifest = parseJson(text('manifest.json'), 'manifest.json', z.record(z.string(), z.unknown()));
  return {
    dir: abs,
    tracks: parseTracksCsv(text('tracks.csv')),
    summary: parseSummaryJson(text('summary.json')),
    inclusions: has('inclusions.csv') ? parseInclusionsCsv(text('inclusions.csv')) : null,
    drift: has('drift.csv') ? parseDriftCsv(text('drift.csv')) : null,
    current: has('current.csv') ? parseCurrentCsv(text('current.csv')) : null,
    fit: has('fit.json') ? parseFitJson(text('fit.json')) : null,
    fitResiduals: has('fit-residuals.csv') ? parseRawCsv(text('fit-residuals.csv'), 'fit-residuals.csv') : null,
    manifest,
    keyframes: listPngs(join(abs, 'keyframes')),
    kymographs: listPngs(join(abs, 'kymographs')),
  };
}
