/**
 * Load and validate a scenario: YAML → strict zod schema → semantic checks. Every problem is
 * a ConfigError naming the key path, the rule, the value received and a fix; an unknown key
 * names the nearest valid key.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { yaml } from '../core/lazyYaml.js';
import type { z } from 'zod';
import { ConfigError, InputError } from '../core/errors.js';
import { nearestName } from './nearestName.js';
import { type Scenario, scenarioSchema } from './scenarioSchema.js';

type AnySchema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  innerType?: AnySchema;
  options?: AnySchema[];
  in?: AnySchema;
}
const defOf = (s: AnySchema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Valid keys of the object schema reached by `path` inside `root` (empty if not an object). */
function keysAt(root: AnySchema, path: ReadonlyArray<PropertyKey>): string[] {
  let s: AnySchema | undefined = root;
  const unwrap = (x: AnySchema): AnySchema => {
    let d = defOf(x);
    while (d.innerType || d.type === 'pipe') {
      x = (d.innerType ?? d.in) as AnySchema;
      d = defOf(x);
    }
    return x;
  };
  for (const p of path) {
    if (!s) return [];
    const d = defOf(unwrap(s));
    if (d.type === 'object' && d.shape) s = d.shape[String(p)];
    else if (d.type === 'array') s = d.element;
    else return [];
  }
  if (!s) return [];
  const d = defOf(unwrap(s));
  return d.type === 'object' && d.shape ? Object.keys(d.shape) : [];
}

const fmtPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? '(top level)' : path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');

function valueAt(obj: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

/**
 * Validate a parsed scenario object.
 * @param raw the object read from YAML
 * @param source file name for messages
 * @throws ConfigError on the first problem
 */
export function validateScenario(raw: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(raw ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === 'unrecognized_keys') {
      const key = issue.keys[0];
      const valid = keysAt(scenarioSchema, issue.path);
      const near = nearestName(key, valid);
      const where = fmtPath(issue.path);
      throw new ConfigError(
        `${source}: unknown key "${key}" in ${where}${near ? `; did you mean "${near}"?` : ''}`,
        `valid keys there: ${valid.join(', ')}`,
      );
    }
    const got = JSON.stringify(valueAt(raw, issue.path));
    throw new ConfigError(
      `${source}: ${fmtPath(issue.path)}: ${issue.message} (got ${got === undefined ? 'nothing' : got})`,
      'fix the value in the scenario file; fixtures/README.md documents every key',
    );
  }
  const sc = r.data;
  checkSemantics(sc, source);
  return sc;
}

function fail(source: string, path: string, rule: string, got: unknown, fix: string): never {
  throw new ConfigError(`${source}: ${path}: ${rule} (got ${JSON.stringify(got)})`, fix);
}

function checkGrowth(
  g: { speed_um_per_s?: number; speed_segments?: Array<{ from_s: number }> },
  path: string,
  source: string,
): void {
  const n = (g.speed_um_per_s !== undefined ? 1 : 0) + (g.speed_segments !== undefined ? 1 : 0);
  if (n !== 1)
    fail(source, path, 'give exactly one of speed_um_per_s or speed_segments', n === 0 ? 'neither' : 'both', 'e.g. speed_um_per_s: 8.6');
  const segs = g.speed_segments ?? [];
  for (let i = 1; i < segs.length; i++)
    if (!(segs[i].from_s > segs[i - 1].from_s))
      fail(source, `${path}.speed_segments[${i}].from_s`, 'must be strictly increasing', segs[i].from_s, 'sort the segments by from_s');
}

function checkSemantics(sc: Scenario, source: string): void {
  const { width_px: w, height_px: h } = sc.frame;
  const fmt = sc.output.format;
  if ((fmt === 'mp4' || fmt === 'mkv' || fmt === 'avi') && (w % 2 !== 0 || h % 2 !== 0))
    fail(source, 'frame', `${fmt} output (4:2:0 chroma) needs an even width and height`, [w, h], 'use even frame sizes, or output.format: tiff | png');
  const ids = new Set<number>();
  sc.scene.dendrites.forEach((d, i) => {
    if (ids.has(d.id)) fail(source, `scene.dendrites[${i}].id`, 'ids must be unique', d.id, 'give each dendrite its own id');
    ids.add(d.id);
    checkGrowth(d, `scene.dendrites[${i}]`, source);
    d.branches.forEach((b, k) => checkGrowth(b, `scene.dendrites[${i}].branches[${k}]`, source));
  });
  const iids = new Set<number>();
  sc.scene.inclusions.forEach((inc, i) => {
    if (iids.has(inc.id)) fail(source, `scene.inclusions[${i}].id`, 'ids must be unique', inc.id, 'give each inclusion its own id');
    iids.add(inc.id);
    if ((inc.trajectory === undefined) === (inc.model === undefined))
      fail(source, `scene.inclusions[${i}]`, 'give exactly one of trajectory, trajectory_csv or model', inc.trajectory ? 'both' : 'neither', 'list trajectory samples, name a CSV file, or add a model: {length_um, …} block');
    if (inc.model && !sc.current)
      fail(source, `scene.inclusions[${i}].model`, 'a Model A inclusion needs the scenario current block', 'no current', 'add current: {segments: [{from_s: 0, current_mA: 0.1}]}');
    if (inc.model?.shape === 'prolate' && inc.model.aspect_ratio === undefined)
      fail(source, `scene.inclusions[${i}].model.aspect_ratio`, 'is required for shape prolate', undefined, 'give the long/short semi-axis ratio, e.g. 10');
    (inc.trajectory ?? []).forEach((p, k, tr) => {
      const at = `scene.inclusions[${i}].trajectory[${k}]`;
      if (k > 0 && !(p.t_s > tr[k - 1].t_s)) fail(source, `${at}.t_s`, 'must be strictly increasing', p.t_s, 'sort the samples by time');
      if (!(p.front_um > p.back_um)) fail(source, at, 'front_um must exceed back_um', [p.back_um, p.front_um], 'front is the end farther from the plating edge');
      p.patches_um.forEach((q, j) => {
        if (!(q[1] > q[0])) fail(source, `${at}.patches_um[${j}]`, 'patch must be [from_um, to_um] with to_um > from_um', q, 'swap the two numbers');
      });
    });
  });
  const t = sc.timing;
  if (t.times_s) {
    if (t.times_s.length === 0) fail(source, 'timing.times_s', 'must not be empty', t.times_s, 'list one time per frame');
    for (let i = 1; i < t.times_s.length; i++)
      if (!(t.times_s[i] > t.times_s[i - 1])) fail(source, `timing.times_s[${i}]`, 'must be strictly increasing', t.times_s[i], 'sort the timestamps');
  }
  for (const [i, dr] of t.dropped.entries())
    if (dr.after_frame >= t.n_frames - 1)
      fail(source, `timing.dropped[${i}].after_frame`, `must be below n_frames - 1 = ${t.n_frames - 1}`, dr.after_frame, 'drop frames inside the recording');
  const irregular = t.times_s !== undefined || t.jitter_frac > 0 || t.dropped.length > 0;
  if (fmt === 'avi' && irregular)
    fail(source, 'output.format', 'AVI cannot carry irregular frame timestamps', fmt, 'use output.format: mp4 or mkv (true per-frame timestamps), or tiff/png + timestamps.csv');
  if (fmt === 'avi' && t.start_s !== 0)
    fail(source, 'timing.start_s', 'AVI has no timestamps (time = index/fps), so it cannot start at a later time', t.start_s, 'use start_s: 0 with avi, or output.format: mp4 or mkv');
  const cur = sc.current?.segments ?? [];
  for (let i = 1; i < cur.length; i++)
    if (!(cur[i].from_s > cur[i - 1].from_s)) fail(source, `current.segments[${i}].from_s`, 'must be strictly increasing', cur[i].from_s, 'sort the segments');
}

/** Read a trajectory CSV (header t_s,back_um,front_um in any order and case). */
function readTrajectoryCsv(path: string, where: string): Array<{ t_s: number; back_um: number; front_um: number }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${where}: cannot read trajectory_csv ${path}`, 'give a path relative to the scenario file', { cause: e });
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new InputError(`${path}: line 1: missing column ${name} (header ${lines[0]})`, 'the header must name t_s, back_um and front_um');
    return k;
  };
  const [ct, cb, cf] = [col('t_s'), col('back_um'), col('front_um')];
  const rows: Array<{ t_s: number; back_um: number; front_um: number }> = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const c = line.split(',');
    const [t, b, f] = [Number(c[ct]), Number(c[cb]), Number(c[cf])];
    if (![t, b, f].every((x) => Number.isFinite(x)) || [c[ct], c[cb], c[cf]].some((x) => x === undefined || x.trim() === ''))
      throw new InputError(`${path}: line ${i + 2}: non-numeric value in "${line}"`, 'every row needs numbers in t_s, back_um and front_um');
    rows.push({ t_s: t, back_um: b, front_um: f });
  });
  return rows;
}

/**
 * Parse scenario YAML text.
 * @param baseDir folder that relative paths (trajectory_csv) are resolved against
 */
export function parseScenarioYaml(text: string, source = 'scenario', baseDir = '.'): Scenario {
  let raw: unknown;
  try {
    raw = yaml().parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, 'check indentation and colons', { cause: e });
  }
  const incs = (raw as { scene?: { inclusions?: unknown } } | null)?.scene?.inclusions;
  if (Array.isArray(incs))
    incs.forEach((inc: Record<string, unknown>, i) => {
      if (inc && typeof inc.trajectory_csv === 'string' && inc.trajectory === undefined)
        inc.trajectory = readTrajectoryCsv(resolve(baseDir, inc.trajectory_csv), `${source}: scene.inclusions[${i}]`);
    });
  return validateScenario(raw, source);
}

/** Read and validate a scenario file. */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read scenario file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'give the path of a scenario YAML file', { cause: e });
  }
  return parseScenarioYaml(text, path, dirname(path));
}
