/**
 * `lidtrack compare SIMULATED_DIR MEASURED_DIR`: a simulation against a measurement.
 *
 * Each folder holds inclusions.csv and/or tracks.csv (SPEC.md contract columns); the simulated
 * folder may instead be a `lidtrack simulate` folder (truth_inclusions.csv, truth_tracks.csv,
 * truth.json). Measured inclusions/dendrites are matched one-to-one to simulated ones, by id
 * (`match: 'id'`) or by the smallest mean distance over their common time span (`'nearest'`,
 * default: ids of independent runs are arbitrary). The simulation is linearly interpolated
 * onto the measured times (no extrapolation: measured rows outside the simulated span are
 * counted, not compared). Residual = measured − simulated.
 *
 * Observables: inclusion front, back, centroid (positions: residual vector and its length),
 * inclusion area; dendrite tip (position) and length. Per observable: RMSE (µm and
 * px-equivalent), bias (mean residual), n.
 *
 * Outputs: compare-residuals.csv, compare.json, compare-plot.svg and its vega-lite spec
 * compare-plot.vl.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { InputError } from '../core/errors.js';
import { writeCsvAtomic, writeFileAtomic, writeJsonAtomic } from '../report/atomic.js';
import { renderVegaLiteSvg } from '../report/fitPlot.js';

export type CompareKind = 'inclusion' | 'track';
type Obs = 'front' | 'back' | 'centroid' | 'area' | 'tip' | 'length';
const POS_OBS: Record<CompareKind, Obs[]> = { inclusion: ['front', 'back', 'centroid'], track: ['tip'] };
const SCALAR_OBS: Record<CompareKind, Array<[Obs, string, string]>> = {
  inclusion: [['area', 'area_um2', 'um2']],
  track: [['length', 'length_um', 'um']],
};

/** One time sample of one object: positions [µm] by observable, scalars by observable. */
interface Sample { tS: number; frame: number; pos: Partial<Record<Obs, [number, number]>>; val: Partial<Record<Obs, number>> }
type Series = Map<number, Sample[]>;

export interface CompareOptions {
  match?: 'nearest' | 'id';
  /** Scale for px-equivalents when no folder reveals it [µm/px]. */
  umPerPx?: number;
}

export interface ObservableStats {
  n: number;
  rmse_um: number;
  rmse_px: number | null;
  /** Mean residual: (x, y) for positions [µm]; scalar for length [µm] / area [µm²]. */
  bias: number[];
  unit: string;
}

export interface CompareResult {
  schema_version: 1;
  simulated: { dir: string; files: string[] };
  measured: { dir: string; files: string[] };
  um_per_px: number | null;
  match: 'nearest' | 'id';
  matches: Array<{ kind: CompareKind; measured_id: number; simulated_id: number; n: number; n_outside_simulation: number; observables: Record<string, ObservableStats> }>;
  unmatched: { measured: Array<{ kind: CompareKind; id: number }>; simulated: Array<{ kind: CompareKind; id: number }> };
  overall: Record<string, ObservableStats>;
}

interface Table { file: string; cols: string[]; rows: number[][]; lines: number[] }

function readTable(path: string): Table {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const ls = text.split(/\r?\n/);
  const cols = ls[0].split(',').map((s) => s.trim().toLowerCase());
  const rows: number[][] = [];
  const lines: number[] = [];
  for (let i = 1; i < ls.length; i++) {
    if (!ls[i].trim()) continue;
    rows.push(ls[i].split(',').map((c) => (c.trim() === '' ? NaN : Number(c))));
    lines.push(i + 1);
  }
  return { file: path, cols, rows, lines };
}

function column(t: Table, name: string, required = true): number {
  const k = t.cols.indexOf(name);
  if (k < 0 && required) throw new InputError(`${t.file}:1: no column ${name}`, 'compare reads the contract columns of inclusions.csv / tracks.csv (SPEC.md)');
  return k;
}

function toSeries(t: Table, kind: CompareKind): Series {
  const idCol = column(t, kind === 'inclusion' ? 'inclusion_id' : 'track_id');
  const fr = column(t, 'frame'), ts = column(t, 't_s');
  const pc = POS_OBS[kind].map((o) => [o, column(t, `${o}_x_um`), column(t, `${o}_y_um`)] as const);
  const sc = SCALAR_OBS[kind].map(([o, name]) => [o, column(t, name, false)] as const);
  const out: Series = new Map();
  t.rows.forEach((r, i) => {
    const bad = [idCol, ts, ...pc.flatMap(([, a, b]) => [a, b])].find((k) => !Number.isFinite(r[k]));
    if (bad !== undefined) throw new InputError(`${t.file}:${t.lines[i]}: ${t.cols[bad]} is not a number`, 'fix or remove the row');
    const s: Sample = { tS: r[ts], frame: r[fr], pos: {}, val: {} };
    for (const [o, a, b] of pc) s.pos[o] = [r[a], r[b]];
    for (const [o, k] of sc) if (k >= 0 && Number.isFinite(r[k])) s.val[o] = r[k];
    const id = r[idCol];
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push(s);
  });
  for (const v of out.values()) v.sort((a, b) => a.tS - b.tS);
  return out;
}

/** Scale of a table with both _px and _um columns (median ratio), else null. */
function scaleOf(t: Table, kind: CompareKind): number | null {
  const pre = kind === 'inclusion' ? 'front' : 'tip';
  const a = t.cols.indexOf(`${pre}_x_px`), b = t.cols.indexOf(`${pre}_x_um`);
  if (a < 0 || b < 0) return null;
  const r = t.rows.map((x) => x[b] / x[a]).filter((x) => Number.isFinite(x) && x > 0).sort((x, y) => x - y);
  return r.length ? r[r.length >> 1] : null;
}

interface Folder { dir: string; files: string[]; inclusion?: Table; track?: Table; umPerPx: number | null }

function loadFolder(dir: string, role: string): Folder {
  if (!existsSync(dir)) throw new InputError(`${role} folder ${dir} does not exist`, 'give a run folder (inclusions.csv / tracks.csv) or a `lidtrack simulate` folder');
  const f: Folder = { dir, files: [], umPerPx: null };
  const pick = (names: string[]) => names.map((n) => join(dir, n)).find((p) => existsSync(p));
  const inc = pick(['inclusions.csv', 'truth_inclusions.csv']);
  const trk = pick(['tracks.csv', 'truth_tracks.csv']);
  if (inc) { f.inclusion = readTable(inc); f.files.push(inc); }
  if (trk) { f.track = readTable(trk); f.files.push(trk); }
  if (!inc && !trk) throw new InputError(`${role} folder ${dir} holds no inclusions.csv, tracks.csv, truth_inclusions.csv or truth_tracks.csv`, 'point compare at the output folder of `lidtrack track` or `lidtrack simulate`');
  f.umPerPx = (f.inclusion && scaleOf(f.inclusion, 'inclusion')) ?? (f.track && scaleOf(f.track, 'track')) ?? null;
  const tj = join(dir, 'truth.json');
  if (f.umPerPx === null && existsSync(tj)) {
    try {
      const u = (JSON.parse(readFileSync(tj, 'utf8')) as { calibration?: { um_per_px?: number } }).calibration?.um_per_px;
      if (typeof u === 'number' && u > 0) f.umPerPx = u;
    } catch { /* no scale from a broken truth.json */ }
  }
  return f;
}

/** Linear interpolation of a simulated series at t (null outside its span). */
function interp(s: Sample[], t: number): Sample | null {
  if (!s.length || t < s[0].tS || t > s[s.length - 1].tS) return null;
  let lo = 0, hi = s.length - 1;
  while (hi - lo > 1) { const m = (lo + hi) >> 1; if (s[m].tS <= t) lo = m; else hi = m; }
  const a = s[lo], b = s[hi];
  const f = b.tS > a.tS ? (t - a.tS) / (b.tS - a.tS) : 0;
  const out: Sample = { tS: t, frame: NaN, pos: {}, val: {} };
  for (const k of Object.keys(a.pos) as Obs[]) {
    const p = a.pos[k]!, q = b.pos[k] ?? p;
    out.pos[k] = [p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])];
  }
  for (const k of Object.keys(a.val) as Obs[]) {
    const q = b.val[k];
    if (q !== undefined) out.val[k] = a.val[k]! + f * (q - a.val[k]!);
  }
  return out;
}

function meanDistance(m: Sample[], s: Sample[], o: Obs): number {
  let acc = 0, n = 0;
  for (const x of m) {
    const y = interp(s, x.tS);
    if (!y || !x.pos[o] || !y.pos[o]) continue;
    acc += Math.hypot(x.pos[o]![0] - y.pos[o]![0], x.pos[o]![1] - y.pos[o]![1]);
    n++;
  }
  return n ? acc / n : Infinity;
}

export interface ResidualRow {
  kind: CompareKind; measuredId: number; simulatedId: number; observable: Obs; frame: number; tS: number;
  measured: number[]; simulated: number[]; residual: number[]; residualUm: number;
}

/** Compare; returns the JSON object and the residual rows (nothing written). */
export function compareRuns(simulatedDir: string, measuredDir: string, opts: CompareOptions = {}): { result: CompareResult; residuals: ResidualRow[] } {
  const sim = loadFolder(simulatedDir, 'SIMULATED_DIR');
  const mea = loadFolder(measuredDir, 'MEASURED_DIR');
  const match = opts.match ?? 'nearest';
  const umPerPx = mea.umPerPx ?? sim.umPerPx ?? opts.umPerPx ?? null;
  const result: CompareResult = {
    schema_version: 1, simulated: { dir: simulatedDir, files: sim.files }, measured: { dir: measuredDir, files: mea.files },
    um_per_px: umPerPx, match, matches: [], unmatched: { measured: [], simulated: [] }, overall: {},
  };
  const residuals: ResidualRow[] = [];
  let compared = 0;
  for (const kind of ['inclusion', 'track'] as CompareKind[]) {
    const ts = sim[kind], tm = mea[kind];
    if (!ts || !tm) continue;
    const S = toSeries(ts, kind), M = toSeries(tm, kind);
    const key = POS_OBS[kind][POS_OBS[kind].length - 1];
    // one-to-one assignment, greedy on the matching cost
    const pairs: Array<[number, number, number]> = [];
    for (const [mid, ms] of M) for (const [sid, ss] of S) {
      const cost = match === 'id' ? (mid === sid ? 0 : Infinity) : meanDistance(ms, ss, key);
      if (Number.isFinite(cost)) pairs.push([cost, mid, sid]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const usedM = new Set<number>(), usedS = new Set<number>();
    for (const [, mid, sid] of pairs) {
      if (usedM.has(mid) || usedS.has(sid)) continue;
      usedM.add(mid); usedS.add(sid);
      let outside = 0, n = 0;
      for (const x of M.get(mid)!) {
        const y = interp(S.get(sid)!, x.tS);
        if (!y) { outside++; continue; }
        n++;
        for (const o of POS_OBS[kind]) {
          const a = x.pos[o]!, b = y.pos[o]!;
          const r = [a[0] - b[0], a[1] - b[1]];
          residuals.push({ kind, measuredId: mid, simulatedId: sid, observable: o, frame: x.frame, tS: x.tS, measured: a, simulated: b, residual: r, residualUm: Math.hypot(r[0], r[1]) });
        }
        for (const [o] of SCALAR_OBS[kind]) {
          const a = x.val[o], b = y.val[o];
          if (a === undefined || b === undefined) continue;
          residuals.push({ kind, measuredId: mid, simulatedId: sid, observable: o, frame: x.frame, tS: x.tS, measured: [a], simulated: [b], residual: [a - b], residualUm: a - b });
        }
      }
      compared += n;
      const mine = residuals.filter((r) => r.kind === kind && r.measuredId === mid);
      result.matches.push({ kind, measured_id: mid, simulated_id: sid, n, n_outside_simulation: outside, observables: statsOf(mine, umPerPx) });
    }
    for (const id of M.keys()) if (!usedM.has(id)) result.unmatched.measured.push({ kind, id });
    for (const id of S.keys()) if (!usedS.has(id)) result.unmatched.simulated.push({ kind, id });
  }
  if (compared === 0) {
    throw new InputError(
      `nothing to compare: ${simulatedDir} and ${measuredDir} share no inclusion or dendrite at common times`,
      'both folders need the same kind of table (inclusions or tracks) over overlapping times',
    );
  }
  result.overall = statsOf(residuals, umPerPx);
  return { result, residuals };
}

function statsOf(rows: ResidualRow[], umPerPx: number | null): Record<string, ObservableStats> {
  const out: Record<string, ObservableStats> = {};
  const obs = [...new Set(rows.map((r) => r.observable))];
  const sig = (x: number) => Number(x.toPrecision(8));
  for (const o of obs) {
    const rs = rows.filter((r) => r.observable === o);
    const isArea = o === 'area';
    const dim = rs[0].residual.length;
    const bias = Array.from({ length: dim }, (_, k) => sig(rs.reduce((a, r) => a + r.residual[k], 0) / rs.length));
    const rmse = Math.sqrt(rs.reduce((a, r) => a + r.residualUm ** 2, 0) / rs.length);
    out[o] = {
      n: rs.length, rmse_um: sig(rmse),
      rmse_px: umPerPx ? sig(isArea ? rmse / umPerPx ** 2 : rmse / umPerPx) : null,
      bias, unit: isArea ? 'um2' : 'um',
    };
  }
  return out;
}

/** Residuals over time and measured vs simulated principal coordinate, as vega-lite. */
export function comparePlotSpec(res: ResidualRow[], title: string): TopLevelSpec {
  const pos = res.filter((r) => r.measured.length === 2);
  // the coordinate that moves most carries the comparison
  let rx = 0, ry = 0;
  if (pos.length) {
    const xs = pos.map((r) => r.measured[0]), ys = pos.map((r) => r.measured[1]);
    rx = Math.max(...xs) - Math.min(...xs); ry = Math.max(...ys) - Math.min(...ys);
  }
  const k = rx >= ry ? 0 : 1;
  const sig = (x: number) => Number(x.toPrecision(7));
  const values = pos.map((r) => ({
    series: `${r.kind} ${r.measuredId} ${r.observable}`, observable: r.observable, t_s: sig(r.tS),
    measured_um: sig(r.measured[k]), simulated_um: sig(r.simulated[k]), residual_um: sig(r.residual[k]), distance_um: sig(r.residualUm),
  }));
  const x = { field: 't_s', type: 'quantitative', title: 't (s)' } as const;
  const domain = [...new Set(values.map((v) => v.observable))].sort();
  const color = { field: 'observable', type: 'nominal', title: 'observable', scale: { domain, range: ['#0072B2', '#000000', '#D55E00', '#009E73'].slice(0, domain.length) } } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    description: 'measured positions (points) and the simulation interpolated onto the measured times (lines); signed residuals below',
    data: { values },
    vconcat: [
      {
        width: 560, height: 260,
        layer: [
          { mark: { type: 'point', size: 10, filled: true, opacity: 0.6 }, encoding: { x, y: { field: 'measured_um', type: 'quantitative', title: `${k === 0 ? 'x' : 'y'} (µm), measured (points) / simulated (lines)`, scale: { zero: false } }, color, detail: { field: 'series' } } },
          { mark: { type: 'line', strokeWidth: 1.2 }, encoding: { x, y: { field: 'simulated_um', type: 'quantitative' }, color, detail: { field: 'series' } } },
        ],
      },
      {
        width: 560, height: 120,
        mark: { type: 'point', size: 8, filled: true, opacity: 0.6 },
        encoding: { x, y: { field: 'residual_um', type: 'quantitative', title: `${k === 0 ? "x" : "y"} residual (µm)` }, color, detail: { field: 'series' } },
      },
    ],
  } as TopLevelSpec;
}

export const COMPARE_OUTPUT_FILES = ['compare-residuals.csv', 'compare.json', 'compare-plot.svg', 'compare-plot.vl.json'] as const;

/** Compare and write the outputs into outDir (created by the caller). */
export async function writeCompare(simulatedDir: string, measuredDir: string, outDir: string, opts: CompareOptions = {}): Promise<CompareResult> {
  const { result, residuals } = compareRuns(simulatedDir, measuredDir, opts);
  writeCsvAtomic(
    join(outDir, 'compare-residuals.csv'),
    ['kind', 'measured_id', 'simulated_id', 'observable', 'frame', 't_s', 'measured_x_um', 'measured_y_um', 'simulated_x_um', 'simulated_y_um',
      'residual_x_um', 'residual_y_um', 'residual_um', 'measured_value', 'simulated_value', 'unit'],
    residuals.map((r) => {
      const p = r.measured.length === 2;
      return [r.kind, r.measuredId, r.simulatedId, r.observable, Number.isFinite(r.frame) ? r.frame : '', r.tS,
        p ? r.measured[0] : '', p ? r.measured[1] : '', p ? r.simulated[0] : '', p ? r.simulated[1] : '',
        p ? r.residual[0] : '', p ? r.residual[1] : '', r.residualUm, p ? '' : r.measured[0], p ? '' : r.simulated[0],
        r.observable === 'area' ? 'um2' : 'um'];
    }),
  );
  const spec = comparePlotSpec(residuals, `simulation vs measurement: ${Object.entries(result.overall).filter(([k]) => k !== 'area').map(([k, v]) => `${k} RMSE ${Number(v.rmse_um.toPrecision(3))} µm`).join(', ')}`);
  writeJsonAtomic(join(outDir, 'compare-plot.vl.json'), spec);
  writeFileAtomic(join(outDir, 'compare-plot.svg'), await renderVegaLiteSvg(spec));
  writeJsonAtomic(join(outDir, 'compare.json'), result);
  return result;
}
