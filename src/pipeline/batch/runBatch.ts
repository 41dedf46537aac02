/**
 * Run `lidtrack track` on every recording of a batch manifest, N at a time, each in its own
 * child process (its own OpenCV.js heap and ffmpeg; a crash stays local to its recording).
 * Resumable: a recording whose results folder holds manifest.json with status "complete" is
 * skipped. Each recording's log goes to `<outDir>/logs/<recording>.log`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BatchEntry, BatchManifest } from './batchManifest.js';
import { PACKAGE_ROOT } from '../../core/packageRoot.js';
import { makeDirs } from '../../core/makeDirs.js';

/** The `lidtrack` launcher this library belongs to (absolute). */
export const LIDTRACK_BIN = join(PACKAGE_ROOT, 'bin/lidtrack.js');

export type EntryStatus = 'complete' | 'skipped' | 'failed';

export interface EntryOutcome {
  entry: BatchEntry;
  status: EntryStatus;
  /** Exit code of `lidtrack track` (null when skipped or killed by a signal). */
  exitCode: number | null;
  /** Wall time [s] (0 when skipped). */
  elapsedS: number;
  /** Last stderr line when failed. */
  error: string | null;
  log: string | null;
}

export interface RunBatchOptions {
  /** Recordings processed at once (≥ 1). */
  jobs: number;
  /** Only these manifest indices (0-based); default all. */
  only?: readonly number[];
  /** Pass --no-report to track (no figures / report.html). */
  report?: boolean;
  /** Re-run recordings that are already complete. */
  rerun?: boolean;
  /** Called when a recording starts or ends. */
  onEvent?: (e: { kind: 'start' | 'end'; entry: BatchEntry; outcome?: EntryOutcome; reason?: string }) => void;
  /** Checked before starting each recording: true stops launching new ones. */
  shouldStop?: () => boolean;
}

/** Status of a results folder from its manifest.json ('missing' if none or unreadable). */
export function resultStatus(outDir: string): 'complete' | 'partial' | 'failed' | 'running' | 'missing' {
  const f = join(outDir, 'manifest.json');
  if (!existsSync(f)) return 'missing';
  try {
    const s = (JSON.parse(readFileSync(f, 'utf8')) as { status?: unknown }).status;
    return s === 'complete' || s === 'partial' || s === 'failed' || s === 'running' ? s : 'missing';
  } catch {
    return 'missing';
  }
}

/**
 * Why the results in `e.out` cannot be reused for this manifest row, or null if they can: they
 * must be complete and come from the same recording with the same options (a corrected scale
 * or edge in the manifest re-tracks the recording instead of keeping stale results).
 */
export function staleReason(e: BatchEntry): string | null {
  const st = resultStatus(e.out);
  if (st !== 'complete') return st === 'missing' ? 'no results yet' : `previous run ${st}`;
  let cfg: Record<string, unknown>;
  try {
    cfg = ((JSON.parse(readFileSync(join(e.out, 'manifest.json'), 'utf8')) as { config?: Record<string, unknown> }).config ?? {});
  } catch {
    return 'manifest.json unreadable';
  }
  const roi = cfg.roi as { x: number; y: number; width: number; height: number } | undefined;
  const was: Record<string, unknown> = {
    path: cfg.input === undefined ? undefined : resolve(String(cfg.input)), um_per_px: cfg.um_per_px, plating_edge: cfg.plating_edge,
    current: cfg.current ? resolve(String(cfg.current)) : null, timestamps: cfg.timestamps ? resolve(String(cfg.timestamps)) : null,
    fps: cfg.fps ?? null, roi: roi ? `${roi.x},${roi.y},${roi.width},${roi.height}` : null,
  };
  const now: Record<string, unknown> = { path: e.path, um_per_px: e.umPerPx, plating_edge: e.platingEdge, current: e.current, timestamps: e.timestamps, fps: e.fps, roi: e.roi };
  const changed = Object.keys(now).filter((k) => was[k] !== now[k]);
  return changed.length ? `options changed since the complete run: ${changed.map((k) => `${k} ${JSON.stringify(was[k])} → ${JSON.stringify(now[k])}`).join(', ')}` : null;
}

/** The `lidtrack track` arguments for one recording. */
export function trackArgs(e: BatchEntry, report: boolean): string[] {
  const a = ['track', e.path, '--um-per-px', String(e.umPerPx), '--plating-edge', e.platingEdge, '--out', e.out, '--force', '--no-progress'];
  if (e.current) a.push('--current', e.current);
  if (e.timestamps) a.push('--timestamps', e.timestamps);
  if (e.fps !== null) a.push('--fps', String(e.fps));
  if (e.roi) a.push('--roi', e.roi);
  if (!report) a.push('--no-report');
  return a;
}

function runOne(e: BatchEntry, logDir: string, report: boolean): Promise<EntryOutcome> {
  const t0 = performance.now();
  const log = join(logDir, `${e.recording}.log`);
  const args = trackArgs(e, report);
  return new Promise((resolveP) => {
    const ws = createWriteStream(log);
    ws.write(`$ lidtrack ${args.map((x) => (/[\s"']/.test(x) ? JSON.stringify(x) : x)).join(' ')}\n`);
    let lastErr = '';
    const child = spawn(process.execPath, [LIDTRACK_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(ws, { end: false });
    child.stderr.on('data', (b: Buffer) => {
      ws.write(b);
      const lines = b.toString().split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('lidtrack: warning'));
      if (lines.length) lastErr = lines[lines.length - 1];
    });
    const done = (code: number | null, err: string | null) => {
      const elapsedS = (performance.now() - t0) / 1000;
      const ok = code === 0 && resultStatus(e.out) === 'complete';
      ws.end(`\n[batch] exit ${code} after ${elapsedS.toFixed(1)} s\n`);
      resolveP({ entry: e, status: ok ? 'complete' : 'failed', exitCode: code, elapsedS, error: ok ? null : err ?? (lastErr || `exit code ${code}`), log });
    };
    child.on('error', (err) => done(null, `could not start lidtrack: ${err.message}`));
    child.on('close', (code, signal) => done(code, signal ? `killed by ${signal}` : null));
  });
}

/**
 * Track every (selected) recording of the manifest, `jobs` at a time.
 * @returns one outcome per selected recording, in manifest order
 */
export async function runBatch(m: BatchManifest, opts: RunBatchOptions): Promise<EntryOutcome[]> {
  const jobs = Math.max(1, Math.floor(opts.jobs));
  const selected = opts.only ? m.entries.filter((e) => opts.only!.includes(e.index)) : m.entries;
  const logDir = join(m.outDir, 'logs');
  makeDirs(logDir);
  const outcomes: EntryOutcome[] = new Array(selected.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const k = next++;
      if (k >= selected.length) return;
      const e = selected[k];
      const stale = staleReason(e);
      if (!opts.rerun && stale === null) {
        outcomes[k] = { entry: e, status: 'skipped', exitCode: null, elapsedS: 0, error: null, log: null };
        opts.onEvent?.({ kind: 'end', entry: e, outcome: outcomes[k] });
        continue;
      }
      if (opts.shouldStop?.()) {
        outcomes[k] = { entry: e, status: 'failed', exitCode: null, elapsedS: 0, error: 'not started: batch interrupted', log: null };
        continue;
      }
      makeDirs(dirname(e.out));
      opts.onEvent?.({ kind: 'start', entry: e, reason: opts.rerun ? 'rerun requested' : stale ?? undefined });
      outcomes[k] = await runOne(e, logDir, opts.report ?? true);
      opts.onEvent?.({ kind: 'end', entry: e, outcome: outcomes[k] });
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, selected.length) }, worker));
  return outcomes;
}
