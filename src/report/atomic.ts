/**
 * Atomic file output: write to a temporary name in the same folder, then rename, so an
 * interrupted run never leaves a file that looks complete.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Temporary sibling name for `path` (same folder, so rename is atomic). */
export function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter}`);
}

/** Write `data` to `path` atomically, creating the folder if needed. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** JSON with 2-space indent and a trailing newline; deterministic for the same value. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Format a number for CSV: fixed significant digits, no exponent surprises for typical values. */
export function csvNumber(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return String(x);
  const s = x.toPrecision(digits);
  return s.includes('e') ? String(Number(s)) : String(Number(s));
}

/** Write rows (arrays of cells) as CSV atomically; cells with comma/quote/newline are quoted. */
export function writeCsvAtomic(path: string, header: string[], rows: Array<Array<string | number>>): void {
  const esc = (c: string | number): string => {
    const s = typeof c === 'number' ? csvNumber(c) : c;
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.join(',')];
  for (const r of rows) lines.push(r.map(esc).join(','));
  writeFileAtomic(path, lines.join('\n') + '\n');
}
