/**
 * Provenance and the results-folder guard. manifest.json records what was run on what
 * (input hash, resolved configuration, tool and binary versions, start/end time, status).
 */
import { createHash } from '../core/lazyCrypto.js';
import { accessSync, constants, existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { makeDirs } from '../core/makeDirs.js';
import { writeJsonAtomic } from './atomic.js';

/** Files whose presence marks a folder as holding lidtrack results. */
export const RESULT_FILES = ['tracks.csv', 'summary.json', 'manifest.json', 'inclusions.csv', 'fit.json', 'report.html'];

/** Refuse to write into a folder that already holds results unless `force`. */
export function guardOutputDir(dir: string, force: boolean, flag = '--force'): void {
  if (!existsSync(dir)) {
    // it must be creatable: the nearest existing parent is a writable folder
    let p = dirname(resolve(dir));
    while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
    let ok = statSync(p).isDirectory();
    if (ok) {
      try {
        accessSync(p, constants.W_OK);
      } catch {
        ok = false;
      }
    }
    if (!ok) throw new InputError(`--out ${dir} cannot be created: ${p} is ${statSync(p).isDirectory() ? 'not writable' : 'a file'}`, 'choose an --out inside a writable folder');
    // and it can be made (a writable parent may still refuse, e.g. in /proc): made and removed
    // again — the results folder appears only when there are results
    let made: string[];
    try {
      made = makeDirs(dir);
    } catch (e) {
      throw new InputError(`--out ${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'choose an --out inside a writable folder');
    }
    for (const d of made.reverse()) rmdirSync(d);
    return;
  }
  if (!statSync(dir).isDirectory()) throw new InputError(`--out ${dir} exists and is not a folder`, 'choose another --out');
  const present = RESULT_FILES.filter((f) => existsSync(join(dir, f)));
  if (present.length && !force) {
    throw new InputError(`--out ${dir} already holds results (${present.join(', ')})`, `choose a new --out folder, or add ${flag} to overwrite them`);
  }
}

const HASH_PIECE_BYTES = 1 << 20;

/**
 * SHA-256 of a file or, for a folder, of its sorted file names, sizes and contents. Read in
 * pieces into one reused buffer: a recording of hours is hashed in constant memory (a read
 * stream's new 64 KiB buffer per piece left tens of MB of freed-later buffers behind while a
 * 500 MB recording was hashed during the run).
 */
export async function hashInput(path: string): Promise<string> {
  const h = createHash('sha256');
  const files = statSync(path).isDirectory() ? readdirSync(path).sort().map((f) => join(path, f)).filter((f) => statSync(f).isFile()) : [path];
  const buf = Buffer.allocUnsafe(HASH_PIECE_BYTES);
  for (const f of files) {
    if (files.length > 1) h.update(`${f.split('/').pop()}\0${statSync(f).size}\0`);
    const fh = await open(f, 'r');
    try {
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        h.update(buf.subarray(0, bytesRead));
      }
    } finally {
      await fh.close();
    }
  }
  return 'sha256:' + h.digest('hex');
}

export interface Manifest {
  status: 'running' | 'complete' | 'partial' | 'failed';
  command: string;
  input: { path: string; hash: string } | null;
  config: unknown;
  versions: Record<string, string>;
  started_at: string;
  finished_at: string | null;
  outputs: string[];
  notes: string[];
  /** Wall time per frame of each stage [ms] (varies between runs; not part of summary.json). */
  timing_ms_per_frame?: Record<string, number>;
  /**
   * The main thread's V8 young generation when the frames were done [MiB]: 16 while the cap held
   * (core/youngGeneration.ts); a larger value explains a larger peak RSS.
   */
  young_generation_mb?: number;
  /**
   * CPU time of lidtrack's own threads (user + system, all of them: main, decode reader, tip
   * worker, V8's helpers) from its start to this manifest [s]; the ffmpeg it decodes with is a
   * child process and not included (varies between runs; `npm run bench` subtracts it from the
   * run's total to split the CPU between decoding and analysis).
   */
  process_cpu_s?: number;
  /**
   * Tiles (24 px) the segmenter worked on, and tiles it left frozen as last segmented (far from
   * every tip: src/segment/roiScheduler.ts), summed over the frames this process analysed.
   */
  tiles_segmented?: number;
  tiles_frozen?: number;
  /** Present when the run was resumed from a checkpoint (`track --resume`): what was skipped and analysed. */
  resumed?: { after_frame: number; frames_skipped: number; frames_analysed: number; checkpoint_written_at: string };
}

export function writeManifest(dir: string, m: Manifest): string {
  const path = join(dir, 'manifest.json');
  writeJsonAtomic(path, { schema_version: 1, ...m });
  return path;
}

/** Everything a run writes into its folder, removed before a --force rerun so no stale file survives. */
export const RUN_OUTPUTS = [
  ...RESULT_FILES, 'drift.csv', 'current.csv', 'overlay.mp4', 'tracks.trackmate.xml', 'tracks.simple.xml',
  'fit-residuals.csv', 'fit-plot.svg', 'fit-plot.vl.json', 'figures', 'keyframes', 'kymographs', 'fit',
];

export function clearRunOutputs(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of RUN_OUTPUTS) rmSync(join(dir, f), { recursive: true, force: true });
}
