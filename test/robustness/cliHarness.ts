/**
 * Call the CLI in-process through `main()` and capture what it prints: fast (no Node start-up,
 * OpenCV loaded once) and the exit code is main's return value, exactly what bin/lidtrack.js exits with.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `lidtrack ...args` in this process. */
export async function runCli(args: string[]): Promise<CliResult> {
  let stderr = '', stdout = '';
  const errListeners = process.stdout.listeners('error');
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const exitCode = process.exitCode;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    e.mockRestore();
    o.mockRestore();
    process.exitCode = exitCode;
    // main() adds a stdout 'error' listener per call (it is meant to run once per process);
    // drop ours so dozens of calls do not trigger MaxListenersExceededWarning on stderr.
    for (const l of process.stdout.listeners('error')) if (!errListeners.includes(l)) process.stdout.off('error', l as (...a: unknown[]) => void);
  }
}

/** Every file under `dir`, relative, sorted ([] when it does not exist). */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/** What is at `path` (a file, a folder tree or nothing), with content hashes: equal snapshots = nothing changed. */
export function snapshot(path: string): string[] {
  if (!existsSync(path)) return [];
  const hash = (p: string) => createHash('sha1').update(readFileSync(p)).digest('hex');
  if (!statSync(path).isDirectory()) return [`(file) ${hash(path)}`];
  return listFiles(path).map((rel) => {
    const p = join(path, rel);
    return statSync(p).isDirectory() ? `${rel}/` : `${rel} ${hash(p)}`;
  });
}

/** A stack-trace line ("    at f (file:1:2)") or a raw Error dump. */
export const STACK_TRACE = /\n\s+at \S|^\s+at \S|\bError: .*\n\s+at /m;
