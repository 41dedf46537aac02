/**
 * Helper processes started before the code that reads their output has loaded.
 *
 * Why: a `lidtrack track VIDEO` start spent ≈ 0.15 s loading and evaluating the CLI bundle and
 * only then ran ffprobe (≈ 60–90 ms: three runs side by side, see probeVideo.ts), one after the
 * other, with the second core idle, before the decoder could start. The launcher
 * (bin/lidtrack.js, through src/cli/earlyStart.ts) now starts those ffprobe runs first, and the
 * bundle loads while they run; probeVideo takes their results instead of running the same
 * commands again (`runProcessOrEarly`). An early run is used only for exactly the same binary
 * and arguments, so what probeVideo reads is what it would have read; an early run nobody took
 * (the command failed before it probed, or probed something else) is killed by main's
 * `abandonEarlyProcesses`.
 *
 * The launcher loads a small bundle of its own (dist/early.mjs) before the CLI bundle, so the
 * two do not share module state: the runs are kept on globalThis under a registered symbol.
 */
import { runProcess, startProcess, type ProcessOptions, type ProcessResult, type StartedProcess } from './runProcess.js';

interface EarlyRun {
  file: string;
  args: readonly string[];
  started: StartedProcess;
}

const KEY = Symbol.for('lidtrack.earlyProcesses');

function runs(): EarlyRun[] {
  const g = globalThis as { [KEY]?: EarlyRun[] };
  return (g[KEY] ??= []);
}

/** Start `file args…` now, for a later `runProcessOrEarly` with the same command and options. */
export function startEarlyProcess(file: string, args: readonly string[], opts: Omit<ProcessOptions, 'signal'> = {}): void {
  const started = startProcess(file, args, opts);
  // (a binary that cannot start rejects; whoever takes the run sees that, nobody else must)
  started.result.catch(() => undefined);
  runs().push({ file, args: [...args], started });
}

/**
 * runProcess(file, args, opts), or the early run of exactly that command if one was started and
 * not yet taken (its timeout and output limit are those it was started with: the callers start
 * it with the options they pass here). `opts.signal` kills it as it would a run started now.
 */
export function runProcessOrEarly(file: string, args: readonly string[], opts: ProcessOptions = {}): Promise<ProcessResult> {
  const list = runs();
  const i = list.findIndex((e) => e.file === file && e.args.length === args.length && e.args.every((a, k) => a === args[k]));
  if (i < 0) return runProcess(file, args, opts);
  const { started } = list.splice(i, 1)[0];
  const signal = opts.signal;
  if (signal) {
    if (signal.aborted) started.kill();
    else {
      signal.addEventListener('abort', started.kill, { once: true });
      void started.result.finally(() => signal.removeEventListener('abort', started.kill)).catch(() => undefined);
    }
  }
  return started.result;
}

/** Kill the early runs nobody took; returns how many there were. */
export function abandonEarlyProcesses(): number {
  const list = runs().splice(0);
  for (const e of list) e.started.kill();
  return list.length;
}
