/**
 * Checkpoints of a `track` run, for `--resume`.
 *
 * While frames are analysed, the state that carries from one frame to the next (the reference,
 * the segmenter's measured noise, the linker, the inclusion tracker, the drift tracker, the tip
 * rows so far, the timing counters) is written to OUT/.checkpoint/state.bin every
 * `everyFrames` frames or `everySeconds` of wall time, whichever comes first, and once more when
 * the run is stopped (Ctrl-C). The state grows with the tip rows (hours of a 1080p recording:
 * ~10⁶ rows, ~100 MB, ~0.6 s per write), so a periodic write also waits until the run has spent
 * MAX_OVERHEAD_FACTOR times the last write's duration on analysis (writes ≤ ~5 % of the time). The file replaces the previous one atomically (temporary file,
 * fsync, rename): a kill at any moment leaves either the old or the new checkpoint, never a torn
 * one (a SHA-256 of the payload catches a damaged file all the same).
 *
 * `--resume` reads it back, checks that the configuration (but for the keys that do not change
 * what the frames give, RESUME_NEUTRAL_KEYS) and the input's SHA-256 are those of the checkpoint,
 * restores the state, and the run decodes the recording from its start (true timestamps come from
 * the container; a seek could shift them) but skips every frame up to the checkpoint's last one
 * without analysing it. Same state + same remaining frames = byte-identical tracks.csv and
 * summary.json to an uninterrupted run. A complete run removes its checkpoint.
 *
 * File layout (one machine's byte order): 8-byte magic "LTCKPT01", uint32 LE length of the JSON
 * header, the header (utf-8), zero padding to a multiple of 8, then the payload: the raw bytes of
 * every typed array of the state, each at an 8-aligned offset. The header holds the provenance
 * (config, input hash, last frame) and the state as JSON in which typed arrays are
 * `{"$ta": "Float32Array", "o": offset, "n": length}` and non-JSON numbers `{"$n": "NaN"}`; long
 * arrays of numbers and of same-shaped numeric records are stored in the payload too (`$nums`,
 * `$cols`: one column per key; the ended inclusions' rows), and the tip rows are the chunks of
 * their store (tipRowStore.ts), so a checkpoint of hours of tip rows costs milliseconds.
 */
import { createHash } from '../core/lazyCrypto.js';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { ConfigError, InputError } from '../core/errors.js';
import { LIDTRACK_VERSION } from '../core/version.js';
import type { DriftTrackerSnapshot } from '../register/DriftTracker.js';
import type { TipRowsSnapshot } from './tipRowStore.js';
import { writeAll, writeThroughTemp } from '../report/atomic.js';
import type { Reference } from '../segment/reference.js';
import type { FrozenTiles, Segmenter } from '../segment/segmenter.js';
import type { RoiScheduleSnapshot } from '../segment/roiScheduler.js';
import type { InclusionTrackerSnapshot } from '../track/inclusions/InclusionTracker.js';
import type { BranchRow } from '../measure/branches.js';
import type { LinkerSnapshot } from '../track/linker.js';
import type { TipHistorySnapshot } from '../track/tipHistory.js';
import type { TrackConfig } from './trackConfig.js';

export const CHECKPOINT_DIR = '.checkpoint';
export const CHECKPOINT_FILE = 'state.bin';
const MAGIC = Buffer.from('LTCKPT01', 'latin1');
/**
 * 4: the tip history of the previous frame (TipHistory: a frame's search starts from frame n − 1, not n − 2); 3: with the
 * recent frames' branch ends (tipPriors.branchEnds); 2: the tip rows as the chunks of a TipRowStore (1: as a column per key).
 */
const FORMAT = 4;

// ---------------------------------------------------------------------------------------------
// State codec: plain objects, arrays, numbers (NaN, ±Infinity, −0 kept), strings, booleans, null,
// undefined and typed arrays. Anything else (a class instance, a Map) is a programming error.

const TYPED = {
  Uint8Array, Uint8ClampedArray, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array,
} as const;
type TypedName = keyof typeof TYPED;
type TypedArray = InstanceType<(typeof TYPED)[TypedName]>;

export interface EncodedState {
  /** JSON-safe tree (typed arrays replaced by references into the payload). */
  tree: unknown;
  /** Payload pieces, in order, each starting at an 8-aligned offset (padding included). */
  chunks: PayloadChunk[];
  bytes: number;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/**
 * A long array of records with the same keys in the same order, each value a number or a boolean
 * (tip rows, inclusion rows, drift samples): stored by column, one Float64Array (every JS number,
 * NaN and −0 included, exactly) or Uint8Array per key — for hours of video, JSON of every record
 * at every checkpoint would cost seconds. Null when `v` is not such an array.
 */
function columns(v: unknown[]): { keys: string[]; kinds: string } | null {
  if (v.length < 8 || !isPlainObject(v[0])) return null;
  const first = v[0];
  const keys = Object.keys(first);
  if (keys.length === 0 || keys.some((k) => k.startsWith('$'))) return null;
  const kinds = keys.map((k) => (typeof first[k] === 'number' ? 'n' : typeof first[k] === 'boolean' ? 'b' : '?')).join('');
  if (kinds.includes('?')) return null;
  for (const o of v) {
    if (!isPlainObject(o)) return null;
    const ks = Object.keys(o);
    if (ks.length !== keys.length) return null;
    for (let j = 0; j < keys.length; j++) if (ks[j] !== keys[j] || typeof o[ks[j]] !== (kinds[j] === 'n' ? 'number' : 'boolean')) return null;
  }
  return { keys, kinds };
}

/**
 * A column of the payload made when it is read, in pieces of at most COLUMN_PIECE_BYTES through
 * one reused buffer: a checkpoint's columns are not allocated. (They grow with the rows, so new
 * ones of a slightly larger size at every checkpoint fragmented the C heap: +14 MB of RSS over
 * a 10-minute 1080p run, none without checkpoints.)
 */
export interface LazyColumn {
  byteLength: number;
  /** The column's bytes in order; each piece is valid until the next is asked for. */
  pieces(): Iterable<Uint8Array>;
}

/** A piece of the payload: bytes as they are (a typed array of the state), or a column made on reading. */
export type PayloadChunk = Uint8Array | LazyColumn;

const COLUMN_PIECE_BYTES = 1 << 16;
const columnScratch = new ArrayBuffer(COLUMN_PIECE_BYTES);
const scratchF64 = new Float64Array(columnScratch), scratchU8 = new Uint8Array(columnScratch);

function lazyColumn(n: number, kind: 'n' | 'b', at: (i: number) => unknown): LazyColumn {
  const size = kind === 'n' ? 8 : 1;
  const perPiece = COLUMN_PIECE_BYTES / size;
  return {
    byteLength: n * size,
    *pieces() {
      for (let i0 = 0; i0 < n; i0 += perPiece) {
        const m = Math.min(perPiece, n - i0);
        if (kind === 'n') for (let i = 0; i < m; i++) scratchF64[i] = at(i0 + i) as number;
        else for (let i = 0; i < m; i++) scratchU8[i] = at(i0 + i) ? 1 : 0;
        yield new Uint8Array(columnScratch, 0, m * size);
      }
    },
  };
}

/** The payload's bytes in order, chunk by chunk (a lazy column in pieces). */
export function* payloadPieces(chunks: readonly PayloadChunk[]): Iterable<Uint8Array> {
  for (const c of chunks) {
    if (c instanceof Uint8Array) yield c;
    else yield* c.pieces();
  }
}

export function encodeState(value: unknown): EncodedState {
  const chunks: PayloadChunk[] = [];
  let bytes = 0;
  const place = (c: PayloadChunk, name: string, n: number) => {
    const pad = (8 - (bytes % 8)) % 8;
    if (pad) chunks.push(new Uint8Array(pad));
    bytes += pad;
    const o = bytes;
    chunks.push(c);
    bytes += c.byteLength;
    return { $ta: name, o, n };
  };
  const typed = (v: ArrayBufferView, path: string) => {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new TypeError(`checkpoint: cannot store ${path} (${name})`);
    return place(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), name, (v as TypedArray).length);
  };
  const enc = (v: unknown, path: string): unknown => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (v === undefined) return { $u: 1 };
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { $n: Object.is(v, -0) ? '-0' : String(v) };
    if (ArrayBuffer.isView(v)) return typed(v, path);
    if (Array.isArray(v)) {
      const c = columns(v);
      if (c) {
        const rs = v as Array<Record<string, unknown>>;
        return {
          $cols: c.keys, kinds: c.kinds,
          data: c.keys.map((k, j) => {
            const kind = c.kinds[j] as 'n' | 'b';
            return place(lazyColumn(rs.length, kind, (i) => rs[i][k]), kind === 'n' ? 'Float64Array' : 'Uint8Array', rs.length);
          }),
        };
      }
      if (v.length >= 8 && v.every((x) => typeof x === 'number')) return { $nums: place(lazyColumn(v.length, 'n', (i) => v[i]), 'Float64Array', v.length) };
      return v.map((x, i) => enc(x, `${path}[${i}]`));
    }
    const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
    if (typeof v === 'object' && (proto === Object.prototype || proto === null)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k.startsWith('$')) throw new TypeError(`checkpoint: cannot store ${path}.${k} (keys starting with $ are reserved)`);
        out[k] = enc(x, `${path}.${k}`);
      }
      return out;
    }
    const what = typeof v === 'object' ? (proto?.constructor?.name ?? 'object') : typeof v;
    throw new TypeError(`checkpoint: cannot store ${path} (${what})`);
  };
  const tree = enc(value, 'state');
  return { tree, chunks, bytes };
}

export function decodeState(tree: unknown, payload: Uint8Array): unknown {
  const dec = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(dec);
    const o = v as Record<string, unknown>;
    if ('$u' in o) return undefined;
    if ('$n' in o) return o.$n === '-0' ? -0 : Number(o.$n);
    if ('$cols' in o) {
      const keys = o.$cols as string[], kinds = o.kinds as string;
      const cols = (o.data as unknown[]).map(dec) as Array<Float64Array | Uint8Array>;
      const n = cols[0].length;
      const out = new Array<Record<string, unknown>>(n);
      for (let i = 0; i < n; i++) {
        const r: Record<string, unknown> = {};
        for (let j = 0; j < keys.length; j++) r[keys[j]] = kinds[j] === 'b' ? cols[j][i] === 1 : cols[j][i];
        out[i] = r;
      }
      return out;
    }
    if ('$nums' in o) return Array.from(dec(o.$nums) as Float64Array);
    if ('$ta' in o) {
      const C = TYPED[o.$ta as TypedName];
      const off = o.o as number, n = o.n as number;
      if (!C || !Number.isInteger(off) || !Number.isInteger(n) || off + n * C.BYTES_PER_ELEMENT > payload.byteLength) {
        throw new Error(`bad array reference ${JSON.stringify(o)}`);
      }
      // a copy: aligned whatever the payload's offset
      const copy = new ArrayBuffer(n * C.BYTES_PER_ELEMENT);
      new Uint8Array(copy).set(payload.subarray(off, off + n * C.BYTES_PER_ELEMENT));
      return new C(copy);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = dec(x);
    return out;
  };
  return dec(tree);
}

// ---------------------------------------------------------------------------------------------
// The file

export interface CheckpointHeader {
  format: number;
  lidtrack_version: string;
  endianness: 'LE' | 'BE';
  written_at: string;
  /** The configuration as compared on --resume (resume-neutral keys removed, keys sorted). */
  config: Record<string, unknown>;
  config_hash: string;
  input_hash: string;
  /** Index of the last frame whose analysis is in the state. */
  last_frame: number;
  /** Frames decoded up to and including it. */
  frames: number;
  payload_bytes: number;
  payload_sha256: string;
}

/** Write header + state to `path` atomically (temporary file in the same folder, fsync, rename). */
export function writeCheckpointFile(path: string, header: Omit<CheckpointHeader, 'payload_bytes' | 'payload_sha256'>, state: unknown): number {
  const { tree, chunks, bytes } = encodeState(state);
  const h = createHash('sha256');
  for (const c of payloadPieces(chunks)) h.update(c);
  const head = Buffer.from(JSON.stringify({ ...header, payload_bytes: bytes, payload_sha256: 'sha256:' + h.digest('hex'), state: tree }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.byteLength);
  const pre = MAGIC.byteLength + 4 + head.byteLength;
  writeThroughTemp(path, (fd) => {
    for (const p of payloadPieces([MAGIC, len, head, new Uint8Array((8 - (pre % 8)) % 8), ...chunks])) writeAll(fd, p);
  }, { fsync: true, tmp: `${path}.tmp-${process.pid}` });
  return pre + bytes;
}

/** Read a checkpoint file; throws an Error naming what is wrong when it is damaged. */
export function readCheckpointFile(path: string): { header: CheckpointHeader; state: unknown } {
  const buf = readFileSync(path);
  if (buf.byteLength < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw new Error('not a lidtrack checkpoint');
  const hl = buf.readUInt32LE(8);
  if (12 + hl > buf.byteLength) throw new Error('truncated header');
  let parsed: CheckpointHeader & { state: unknown };
  try {
    parsed = JSON.parse(buf.subarray(12, 12 + hl).toString('utf8'));
  } catch {
    throw new Error('damaged header');
  }
  const pre = 12 + hl + ((8 - ((12 + hl) % 8)) % 8);
  const payload = buf.subarray(pre);
  if (payload.byteLength !== parsed.payload_bytes) throw new Error(`payload of ${payload.byteLength} bytes, expected ${parsed.payload_bytes}`);
  if ('sha256:' + createHash('sha256').update(payload).digest('hex') !== parsed.payload_sha256) throw new Error('payload checksum mismatch');
  const { state, ...header } = parsed;
  return { header, state: decodeState(state, payload) };
}

// ---------------------------------------------------------------------------------------------
// What a track run carries across frames

/** The state of a `track` run after a frame (everything else is rebuilt from the configuration). */
export interface TrackRunState {
  reference: Reference;
  segmenter: SegmenterSnapshot;
  linker: LinkerSnapshot;
  inclusions: InclusionTrackerSnapshot;
  drift: DriftTrackerSnapshot | null;
  /** The tip rows so far (tipRowStore.ts). */
  rows: TipRowsSnapshot;
  /** Branch ends (absent in checkpoints of runs without them). */
  branchLinker?: LinkerSnapshot;
  branchRows?: BranchRow[];
  /** Per-stage wall time so far [ms] (manifest.json timing). */
  timing: Record<string, number>;
  /**
   * Frames processed so far, the tip shapes of the last two (the next frames' fits start from
   * them) and the branch ends of the last few (the next frames' branch search follows them:
   * runTrack); absent in older checkpoints.
   */
  tipPriors?: { processed: number } & TipHistorySnapshot;
}

/**
 * The Segmenter's state across frames: the noise σ of the blurred darkening (measured on the
 * last whole frame) and where the next frames are segmented (RoiScheduler).
 */
export interface SegmenterSnapshot {
  sigmaBlurRel: number;
  schedule: RoiScheduleSnapshot;
  /** The tiles the next frames may freeze, as segmented (absent in older checkpoints: none frozen). */
  frozenTiles?: FrozenTiles;
  /** The runs of the last frame's dendrites, the next frame's temporal seeds (absent in older checkpoints: none). */
  keptDendriteSpans?: Int32Array;
}

export function snapshotSegmenter(s: Segmenter): SegmenterSnapshot {
  return { sigmaBlurRel: s.sigmaBlurRel, schedule: s.schedule.snapshot(), frozenTiles: s.frozenTiles(), keptDendriteSpans: s.keptDendriteSpans() };
}

export function restoreSegmenter(s: Segmenter, snap: SegmenterSnapshot): void {
  s.sigmaBlurRel = snap.sigmaBlurRel;
  s.schedule.restore(snap.schedule);
  if (snap.frozenTiles) s.restoreFrozenTiles(snap.frozenTiles);
  if (snap.keptDendriteSpans) s.restoreKeptDendriteSpans(snap.keptDendriteSpans);
}

/**
 * Configuration keys that do not change what the frames give, so a run may be resumed with
 * other values: the flags themselves, the report options (used after the frames), the input path
 * (its content is compared by SHA-256) and the results folder (where the checkpoint is).
 */
export const RESUME_NEUTRAL_KEYS = ['resume', 'force', 'report', 'visuals', 'overlay_video', 'input', 'out'] as const;

function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort().map((k) => [k, sortedKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** The configuration as it must match on --resume: resume-neutral keys removed, undefined dropped, keys sorted. */
export function resumeConfig(cfg: TrackConfig): Record<string, unknown> {
  const c: Record<string, unknown> = { ...cfg };
  for (const k of RESUME_NEUTRAL_KEYS) delete c[k];
  return sortedKeys(c) as Record<string, unknown>;
}

export function configHash(c: Record<string, unknown>): string {
  return 'sha256:' + createHash('sha256').update(JSON.stringify(c)).digest('hex');
}

/** The keys whose values differ, as "key: old → new" (dotted paths for nested keys). */
export function configDifferences(was: Record<string, unknown>, now: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const k of [...new Set([...Object.keys(was), ...Object.keys(now)])].sort()) {
    const a = was[k], b = now[k];
    const isObj = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    if (isObj(a) && isObj(b)) out.push(...configDifferences(a as Record<string, unknown>, b as Record<string, unknown>, `${prefix}${k}.`));
    else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${prefix}${k}: ${a === undefined ? '(unset)' : JSON.stringify(a)} → ${b === undefined ? '(unset)' : JSON.stringify(b)}`);
  }
  return out;
}

export interface CheckpointPolicy {
  /** Write a checkpoint after this many analysed frames… */
  everyFrames: number;
  /** …or this much wall time [s] since the last one, whichever comes first. */
  everySeconds: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = { everyFrames: 200, everySeconds: 60 };

/**
 * A periodic checkpoint waits at least this many times the last write's duration after it (when
 * that write took more than SLOW_SAVE_MS): checkpoints cost at most ~1/20 of the run's time.
 */
export const MAX_OVERHEAD_FACTOR = 20;
const SLOW_SAVE_MS = 50;

/**
 * The policy, with the environment's overrides: LIDTRACK_CHECKPOINT_EVERY_FRAMES and
 * LIDTRACK_CHECKPOINT_EVERY_S (tuning and tests; positive numbers).
 */
export function checkpointPolicy(env: NodeJS.ProcessEnv = process.env): CheckpointPolicy {
  const num = (name: string, dflt: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return dflt;
    const x = Number(raw);
    if (!(Number.isFinite(x) && x > 0)) throw new ConfigError(`${name} must be a positive number (got "${raw}")`, `unset it or set e.g. ${name}=${dflt}`);
    return x;
  };
  return { everyFrames: num('LIDTRACK_CHECKPOINT_EVERY_FRAMES', DEFAULT_CHECKPOINT_POLICY.everyFrames), everySeconds: num('LIDTRACK_CHECKPOINT_EVERY_S', DEFAULT_CHECKPOINT_POLICY.everySeconds) };
}

/** What a resumed run reports (manifest.json `resumed`, the CLI's summary line). */
export interface ResumeInfo {
  /** Last frame of the checkpoint: frames up to it were decoded but not analysed. */
  after_frame: number;
  frames_skipped: number;
  /** Frames analysed by this process. */
  frames_analysed: number;
  checkpoint_written_at: string;
}

/** Whether `out` holds the checkpoint of an interrupted run. */
export function hasCheckpoint(out: string): boolean {
  return existsSync(join(out, CHECKPOINT_DIR, CHECKPOINT_FILE));
}

function manifestStatus(out: string): string | null {
  try {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    return typeof m?.status === 'string' ? m.status : null;
  } catch {
    return null;
  }
}

/**
 * The checkpoints of one `track` run: opened before the first frame (validating and loading the
 * checkpoint when resuming), told about every analysed frame, removed when the run completes.
 */
export class TrackCheckpoints {
  readonly dir: string;
  readonly file: string;
  /** The checkpoint resumed from, with its restored state (null for a fresh run). */
  readonly resumed: { header: CheckpointHeader; state: TrackRunState } | null;
  private readonly cfg: Record<string, unknown>;
  private skipped = 0;
  private analysed = 0;
  private reached = false;
  private lastIndex: number | null = null;
  private lastFrames = 0;
  private savedIndex: number | null;
  private sinceSave = 0;
  private savedAt = performance.now();
  /** Least wall time between periodic writes [ms], from the last write's duration. */
  private minGapMs = 0;

  private constructor(
    out: string,
    cfg: TrackConfig,
    private readonly inputHash: Promise<string>,
    private readonly policy: CheckpointPolicy,
    resumed: { header: CheckpointHeader; state: TrackRunState } | null,
  ) {
    this.dir = join(out, CHECKPOINT_DIR);
    this.file = join(this.dir, CHECKPOINT_FILE);
    this.cfg = resumeConfig(cfg);
    this.resumed = resumed;
    this.savedIndex = resumed?.header.last_frame ?? null;
  }

  /**
   * Before the first frame. A fresh run refuses a folder holding a checkpoint unless --force
   * (then the old checkpoint is removed); --resume loads and validates the checkpoint.
   * Every refusal is an InputError: one line, exit 2.
   */
  static async open(cfg: TrackConfig, inputHash: Promise<string>, policy: CheckpointPolicy = checkpointPolicy()): Promise<TrackCheckpoints> {
    const dir = join(cfg.out, CHECKPOINT_DIR);
    const file = join(dir, CHECKPOINT_FILE);
    // a temporary file left by a process killed while writing (the checkpoint itself is intact)
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (f.startsWith(`${CHECKPOINT_FILE}.tmp-`)) rmSync(join(dir, f), { force: true });
    if (!cfg.resume) {
      if (existsSync(file)) {
        if (!cfg.force) throw new InputError(`--out ${cfg.out} holds the checkpoint of an interrupted run`, 'add --resume to continue it, or --force to start over');
        rmSync(dir, { recursive: true, force: true });
      }
      return new TrackCheckpoints(cfg.out, cfg, inputHash, policy, null);
    }
    const how = 'run without --resume and with --force to start over';
    const status = manifestStatus(cfg.out);
    if (status === 'complete') throw new InputError(`--resume: ${cfg.out} holds a complete run, there is nothing to resume`, 'run without --resume (and with --force) to analyse it again');
    if (!existsSync(file)) {
      throw new InputError(`--resume: ${cfg.out} holds no checkpoint${status ? ' (the run stopped before its first one)' : ''}`, how);
    }
    let loaded: { header: CheckpointHeader; state: unknown };
    try {
      loaded = readCheckpointFile(file);
    } catch (e) {
      throw new InputError(`--resume: the checkpoint ${file} is unreadable (${(e as Error).message})`, how);
    }
    const h = loaded.header;
    if (h.format !== FORMAT || h.lidtrack_version !== LIDTRACK_VERSION || h.endianness !== endianness()) {
      throw new InputError(`--resume: the checkpoint in ${cfg.out} was written by lidtrack ${h.lidtrack_version} (format ${h.format}, ${h.endianness}); this is lidtrack ${LIDTRACK_VERSION} (format ${FORMAT}, ${endianness()})`, how);
    }
    const now = resumeConfig(cfg);
    if (configHash(now) !== h.config_hash) {
      const diff = configDifferences(h.config, now);
      throw new InputError(
        `--resume: the checkpoint in ${cfg.out} was made with other settings (${diff.slice(0, 3).join('; ')}${diff.length > 3 ? `; ${diff.length - 3} more` : ''})`,
        `resume with the same settings, or ${how}`,
      );
    }
    if ((await inputHash) !== h.input_hash) {
      throw new InputError(`--resume: ${cfg.input} is not the recording the checkpoint in ${cfg.out} was made from (its SHA-256 differs)`, `give the original recording, or ${how}`);
    }
    return new TrackCheckpoints(cfg.out, cfg, inputHash, policy, { header: h, state: loaded.state as TrackRunState });
  }

  /**
   * Called for every decoded frame before any work on it: true when the frame was analysed
   * before the checkpoint (skip it). Checks that the recording decodes to as many frames up to
   * the checkpoint as it did when the checkpoint was written.
   */
  skip(index: number): boolean {
    const r = this.resumed;
    if (!r) return false;
    if (index <= r.header.last_frame) {
      this.skipped++;
      return true;
    }
    if (!this.reached) {
      this.reached = true;
      this.checkSkipped();
    }
    return false;
  }

  private checkSkipped(): void {
    const h = this.resumed!.header;
    if (this.skipped !== h.frames) {
      throw new InputError(`--resume: the recording decoded to ${this.skipped} frames up to frame ${h.last_frame}, the checkpoint expected ${h.frames}`, 'run without --resume and with --force to start over');
    }
  }

  /**
   * After a frame was analysed. `ready`: the state is that of a finished frame (the reference
   * exists and no frame waits for it). Writes a checkpoint when the policy says so.
   */
  /** `settle` is awaited before a save: it finishes the frames still in flight (the tip worker's). */
  async afterFrame(index: number, frames: number, ready: boolean, capture: () => TrackRunState, settle?: () => Promise<void>): Promise<void> {
    this.analysed++;
    if (!ready) return;
    this.lastIndex = index;
    this.lastFrames = frames;
    this.sinceSave++;
    const sinceMs = performance.now() - this.savedAt;
    if ((this.sinceSave >= this.policy.everyFrames || sinceMs / 1000 >= this.policy.everySeconds) && sinceMs >= this.minGapMs) {
      await settle?.();
      await this.save(capture);
    }
  }

  /** The run stops early (Ctrl-C): write the state of the last finished frame if it is not saved yet. */
  async flush(capture: () => TrackRunState): Promise<void> {
    if (this.lastIndex !== null && this.lastIndex !== this.savedIndex) await this.save(capture);
  }

  /** The frames ended without a stop: when resuming, the recording must have reached the checkpoint. */
  checkReached(): void {
    if (this.resumed && !this.reached) this.checkSkipped();
  }

  private async save(capture: () => TrackRunState): Promise<void> {
    const inputHash = await this.inputHash;
    const t0 = performance.now();
    writeCheckpointFile(
      this.file,
      {
        format: FORMAT, lidtrack_version: LIDTRACK_VERSION, endianness: endianness(), written_at: new Date().toISOString(),
        config: this.cfg, config_hash: configHash(this.cfg), input_hash: inputHash, last_frame: this.lastIndex!, frames: this.lastFrames,
      },
      capture(),
    );
    this.savedIndex = this.lastIndex;
    this.sinceSave = 0;
    this.savedAt = performance.now();
    const tookMs = this.savedAt - t0;
    this.minGapMs = tookMs > SLOW_SAVE_MS ? MAX_OVERHEAD_FACTOR * tookMs : 0;
  }

  /** The run completed: its checkpoint is no longer needed. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** For a resumed run: what was skipped and analysed. */
  resumeInfo(): ResumeInfo | null {
    const r = this.resumed;
    return r ? { after_frame: r.header.last_frame, frames_skipped: this.skipped, frames_analysed: this.analysed, checkpoint_written_at: r.header.written_at } : null;
  }
}
