/**
 * Run a short-lived helper process (ffprobe, `ffmpeg -version`) to completion and collect its
 * output. For the long-running decoder see openVideo.ts, which streams instead.
 */
import { spawn } from 'node:child_process';

export interface ProcessResult {
  /** Exit code, or null when the process was ended by a signal (e.g. our timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** True when the process was killed because it exceeded `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Spawn `file args…` without a shell, collect stdout/stderr as UTF-8 and resolve when it exits.
 * Rejects only when the binary cannot be started (ENOENT, EACCES).
 * @param timeoutMs kill the process (SIGKILL) after this many milliseconds; 0 = no limit.
 * @param maxStdoutBytes stop (kill) once stdout grew beyond this, to bound memory.
 * @param signal kill the process (SIGKILL) when it aborts; the result then has code null.
 */
export function runProcess(
  file: string,
  args: readonly string[],
  opts: { timeoutMs?: number; maxStdoutBytes?: number; signal?: AbortSignal } = {},
): Promise<ProcessResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxStdoutBytes = opts.maxStdoutBytes ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, timeoutMs)
        : null;
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxStdoutBytes) {
        timedOut = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      // stderr of ffprobe is small; keep the last 64 kB only
      err.push(b);
      if (err.length > 64) err.splice(0, err.length - 64);
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    const abort = () => child.kill('SIGKILL');
    if (opts.signal?.aborted) abort();
    else opts.signal?.addEventListener('abort', abort, { once: true });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abort);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}
