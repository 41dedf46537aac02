/**
 * A batch manifest: one row per recording with its own options. Read from a CSV file, a YAML
 * file (a list of rows, or {defaults, recordings}), or a folder of recordings with a
 * `lidtrack-batch.yaml` of defaults. Every row is validated up front; a bad row is an
 * InputError naming the file, its line, the column, the value and a fix (exit 2).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { Node } from 'yaml';
import { yaml } from '../../core/lazyYaml.js';
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.js';
import { PLATING_EDGES, type PlatingEdge } from '../../core/types.js';
import { nearest } from '../../core/validate.js';

/** Name of the defaults file in a folder of recordings. */
export const BATCH_DEFAULTS_FILE = 'lidtrack-batch.yaml';

/** File extensions taken as recordings when a folder is given. */
export const RECORDING_EXTENSIONS = ['.mp4', '.mkv', '.avi', '.mov', '.m4v', '.webm', '.tif', '.tiff'];

/** One recording of a batch, fully resolved (absolute paths). */
export interface BatchEntry {
  /** 0-based position in the manifest (= SLURM array task id). */
  index: number;
  /** Where the row came from, e.g. "runs.csv line 4". */
  origin: string;
  /** Unique recording name (the `recording` column of the combined tables). */
  recording: string;
  /** Absolute path of the recording. */
  path: string;
  /** Scale [µm/px]. */
  umPerPx: number;
  platingEdge: PlatingEdge;
  /** Absolute path of the potentiostat log (t_s,current_mA), if any. */
  current: string | null;
  /** Absolute path of frame timestamps (frame,t_s), if any. */
  timestamps: string | null;
  /** Frame rate for inputs without timestamps [1/s]. */
  fps: number | null;
  /** Region of interest "x,y,w,h" [px], as the `track --roi` flag takes it. */
  roi: string | null;
  /** Absolute results folder of this recording. */
  out: string;
}

export interface BatchManifest {
  /** The manifest file or the folder that was read (absolute). */
  source: string;
  /** Absolute folder of the combined results (all_tracks.csv …). */
  outDir: string;
  entries: BatchEntry[];
}

const MANIFEST_KEYS = ['path', 'name', 'um_per_px', 'plating_edge', 'current', 'timestamps', 'fps', 'roi', 'out'] as const;

const positiveNumber = z.preprocess((x) => (typeof x === 'string' && x.trim() !== '' ? Number(x) : x), z.number().positive().finite());
const optionalString = z.preprocess((x) => (x === '' || x === null ? undefined : x), z.string().min(1).optional());

const rowSchema = z.strictObject({
  path: z.string().min(1),
  name: optionalString,
  um_per_px: positiveNumber,
  plating_edge: z.enum(PLATING_EDGES as unknown as [PlatingEdge, ...PlatingEdge[]]),
  current: optionalString,
  timestamps: optionalString,
  fps: z.preprocess((x) => (x === '' || x === null ? undefined : x), positiveNumber.optional()),
  roi: z.preprocess((x) => (x === '' || x === null ? undefined : x), z.string().regex(/^\s*\d+\s*,\s*\d+\s*,\s*[1-9]\d*\s*,\s*[1-9]\d*\s*$/).optional()),
  out: optionalString,
});

const RULES: Record<string, string> = {
  path: 'a recording file (relative to the manifest)',
  name: 'a recording name',
  um_per_px: 'a positive number [µm/px]',
  plating_edge: `one of ${PLATING_EDGES.join('|')}`,
  current: 'a CSV file t_s,current_mA (relative to the manifest)',
  timestamps: 'a CSV file frame,t_s (relative to the manifest)',
  fps: 'a positive number',
  roi: 'x,y,w,h in whole pixels, w,h > 0',
  out: 'a results folder (relative to the manifest)',
};

interface RawRow { values: Record<string, unknown>; origin: string }

/** Split one CSV line (RFC 4180 quotes; no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') { out.push(cur.trim()); cur = ''; } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function unknownKey(where: string, key: string): never {
  const near = nearest(key, MANIFEST_KEYS);
  throw new InputError(`${where}: unknown column "${key}"`, near ? `did you mean "${near}"? valid columns: ${MANIFEST_KEYS.join(', ')}` : `valid columns: ${MANIFEST_KEYS.join(', ')}`);
}

function readCsvRows(file: string): RawRow[] {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const name = basename(file);
  const headIx = lines.findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  if (headIx < 0) throw new InputError(`${name}: the manifest is empty`, `write a header line (${MANIFEST_KEYS.join(',')}) and one row per recording`);
  const head = splitCsvLine(lines[headIx]).map((h) => h.toLowerCase());
  for (const h of head) if (!(MANIFEST_KEYS as readonly string[]).includes(h)) unknownKey(`${name} line ${headIx + 1}`, h);
  const rows: RawRow[] = [];
  for (let i = headIx + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    const cells = splitCsvLine(l);
    const origin = `${name} line ${i + 1}`;
    if (cells.length !== head.length) throw new InputError(`${origin}: ${cells.length} cells but the header has ${head.length} (${head.join(',')})`, 'one cell per header column; quote cells that contain commas');
    const values: Record<string, unknown> = {};
    head.forEach((h, k) => { if (cells[k] !== '') values[h] = cells[k]; });
    rows.push({ values, origin });
  }
  return rows;
}

function yamlRows(file: string, text: string, extraDefaults: Record<string, unknown> = {}): { rows: RawRow[]; defaults: Record<string, unknown> } {
  const { isMap, isSeq, LineCounter, parseDocument } = yaml();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const name = basename(file);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new InputError(`${name} line ${e.linePos?.[0].line ?? '?'}: YAML syntax: ${e.message.split('\n')[0]}`, 'fix the YAML syntax');
  }
  const lineOf = (n: Node | null | undefined) => (n?.range ? lc.linePos(n.range[0]).line : 0);
  const root = doc.contents;
  let seq: Node | null = null;
  let defaults: Record<string, unknown> = { ...extraDefaults };
  if (isSeq(root)) seq = root;
  else if (isMap(root)) {
    const js = doc.toJS() as Record<string, unknown>;
    for (const k of Object.keys(js)) if (k !== 'defaults' && k !== 'recordings') {
      const near = nearest(k, ['defaults', 'recordings']);
      throw new InputError(`${name}: unknown key "${k}"`, near ? `did you mean "${near}"?` : 'a YAML manifest has the keys defaults and recordings');
    }
    defaults = { ...defaults, ...((js.defaults as Record<string, unknown>) ?? {}) };
    for (const k of Object.keys(defaults)) if (!(MANIFEST_KEYS as readonly string[]).includes(k)) unknownKey(`${name} line ${lineOf(root.get('defaults', true) as Node)}`, k);
    seq = (root.get('recordings', true) as Node | undefined) ?? null;
    if (seq && !isSeq(seq)) throw new InputError(`${name} line ${lineOf(seq)}: recordings must be a list`, 'write one "- path: …" item per recording');
  } else if (root !== null) throw new InputError(`${name}: a YAML manifest is a list of recordings or {defaults, recordings}`, 'see src/pipeline/batch/README.md');
  const rows: RawRow[] = [];
  if (seq && isSeq(seq)) {
    for (const item of seq.items as Node[]) {
      const origin = `${name} line ${lineOf(item)}`;
      const v = (item as Node & { toJSON(): unknown }).toJSON();
      if (typeof v === 'string') rows.push({ values: { ...defaults, path: v }, origin });
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const k of Object.keys(v)) if (!(MANIFEST_KEYS as readonly string[]).includes(k)) unknownKey(origin, k);
        rows.push({ values: { ...defaults, ...(v as Record<string, unknown>) }, origin });
      } else throw new InputError(`${origin}: a recording must be a path or a map of ${MANIFEST_KEYS.join(', ')}`, 'e.g. - {path: cell1.mp4, um_per_px: 0.5, plating_edge: bottom}');
    }
  }
  return { rows, defaults };
}

function validateRow(r: RawRow): z.output<typeof rowSchema> {
  const p = rowSchema.safeParse(r.values);
  if (p.success) return p.data;
  const issue = p.error.issues.find((i) => i.code === 'unrecognized_keys') ?? p.error.issues[0];
  if (issue.code === 'unrecognized_keys') unknownKey(r.origin, issue.keys[0]);
  const key = String(issue.path[0] ?? '(row)');
  const got = r.values[key];
  throw new InputError(
    `${r.origin}: ${key} ${got === undefined ? 'is missing' : `must be ${RULES[key] ?? 'valid'} (got ${JSON.stringify(got)})`}`,
    got === undefined ? `give ${key} (${RULES[key] ?? ''}) in the row or in the defaults` : `fix the ${key} cell of that row`,
  );
}

function uniqueNames(wanted: Array<{ name: string | undefined; path: string }>): string[] {
  const stem = (p: string) => basename(p, extname(p)) || basename(p);
  const first = wanted.map((w) => w.name ?? stem(w.path));
  const count = (arr: string[], s: string) => arr.filter((x) => x === s).length;
  // Same file stem twice (…/cell1/video.mp4, …/cell2/video.mp4): prefix the parent folder.
  const second = first.map((n, i) => (wanted[i].name === undefined && count(first, n) > 1 ? `${basename(dirname(wanted[i].path))}_${n}` : n));
  return second.map((n, i) => (count(second, n) > 1 ? `${n}_${i}` : n)).map((n) => n.replace(/[^\w.+-]+/g, '_'));
}

/**
 * Read a manifest (CSV / YAML) or a folder of recordings with `lidtrack-batch.yaml`.
 * Relative paths are relative to the manifest file (or the folder).
 * @param outDir combined results folder; default `<manifest folder>/lidtrack-batch`
 * @throws InputError for a missing file or a bad row (message names the line)
 */
export function readBatchManifest(source: string, outDir?: string): BatchManifest {
  const src = resolve(source);
  if (!existsSync(src)) throw new InputError(`${source} does not exist`, 'give a manifest (.csv, .yaml) or a folder of recordings with lidtrack-batch.yaml');
  let rows: RawRow[];
  let base: string;
  if (statSync(src).isDirectory()) {
    base = src;
    const defFile = join(src, BATCH_DEFAULTS_FILE);
    if (!existsSync(defFile)) throw new InputError(`folder ${source} has no ${BATCH_DEFAULTS_FILE}`, `write ${BATCH_DEFAULTS_FILE} with at least: defaults: {um_per_px: 0.5, plating_edge: bottom}`);
    const videos = readdirSync(src).filter((f) => RECORDING_EXTENSIONS.includes(extname(f).toLowerCase()) && statSync(join(src, f)).isFile()).sort();
    const y = yamlRows(defFile, readFileSync(defFile, 'utf8'));
    // Listed recordings override the defaults for that file; the others take the defaults.
    const listed = new Map(y.rows.map((r) => [resolve(src, String(r.values.path ?? '')), r]));
    rows = videos.map((f) => listed.get(join(src, f)) ?? { values: { ...y.defaults, path: f }, origin: `${BATCH_DEFAULTS_FILE} defaults (${f})` });
    for (const [p, r] of listed) if (!videos.includes(basename(p)) || dirname(p) !== src) rows.push(r);
    if (!rows.length) throw new InputError(`folder ${source} holds no recordings (${RECORDING_EXTENSIONS.join(' ')})`, 'put the videos in the folder or list them in a manifest');
  } else {
    base = dirname(src);
    const ext = extname(src).toLowerCase();
    if (ext === '.csv' || ext === '.tsv') rows = readCsvRows(src);
    else if (ext === '.yaml' || ext === '.yml') rows = yamlRows(src, readFileSync(src, 'utf8')).rows;
    else throw new InputError(`${source}: a manifest is .csv or .yaml (got "${ext || 'no extension'}")`, 'or give a folder of recordings with lidtrack-batch.yaml');
    if (!rows.length) throw new InputError(`${basename(src)}: the manifest lists no recordings`, 'add one row per recording');
  }
  const combined = resolve(outDir ?? join(base, 'lidtrack-batch'));
  const parsed = rows.map((r) => {
    const v = validateRow(r);
    const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
    const path = abs(v.path);
    if (!existsSync(path)) throw new InputError(`${r.origin}: recording ${v.path} does not exist (looked for ${path})`, 'fix the path (relative paths are relative to the manifest)');
    for (const k of ['current', 'timestamps'] as const) {
      const f = v[k];
      if (f !== undefined && !existsSync(abs(f))) throw new InputError(`${r.origin}: ${k} file ${f} does not exist (looked for ${abs(f)})`, `fix the ${k} cell (relative to the manifest)`);
    }
    return { v, r, path, abs };
  });
  const names = uniqueNames(parsed.map((p) => ({ name: p.v.name, path: p.path })));
  const entries = parsed.map(({ v, r, path, abs }, index): BatchEntry => ({
    index,
    origin: r.origin,
    recording: names[index],
    path,
    umPerPx: v.um_per_px,
    platingEdge: v.plating_edge,
    current: v.current ? abs(v.current) : null,
    timestamps: v.timestamps ? abs(v.timestamps) : null,
    fps: v.fps ?? null,
    roi: v.roi ? v.roi.replace(/\s+/g, '') : null,
    out: v.out ? abs(v.out) : join(combined, names[index]),
  }));
  const outs = new Map<string, BatchEntry>();
  for (const e of entries) {
    const o = outs.get(e.out);
    if (o) throw new ConfigError(`${e.origin}: results folder ${e.out} is also used by ${o.origin}`, 'give each recording its own out folder (or a unique name)');
    outs.set(e.out, e);
  }
  return { source: src, outDir: combined, entries };
}
