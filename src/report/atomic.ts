/**
 * Atomic file output: write to a temporary name in the same folder, then rename, so an
 * interrupted run never leaves a file that looks complete.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirs } from '../core/makeDirs.js';

let counter = 0;

/** Temporary sibling name for `path` (same folder, so rename is atomic). */
export function tempPathFor(path: string): string {
  counter += 1;
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${counter}`);
}

/**
 * Write `path` atomically through `write(fd)`: into a temporary sibling (`opts.tmp`, default
 * tempPathFor), flushed to disk first with `opts.fsync` (a checkpoint must survive a kill), then
 * renamed over `path`; the temporary is removed if anything fails. The folder is created if needed.
 */
export function writeThroughTemp(path: string, write: (fd: number) => void, opts: { fsync?: boolean; tmp?: string } = {}): void {
  makeDirs(dirname(path));
  const tmp = opts.tmp ?? tempPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      write(fd);
      if (opts.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Write all of `bytes` to `fd` (writeSync may write fewer bytes than asked). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Write `data` to `path` atomically, creating the folder if needed. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeThroughTemp(path, (fd) => writeFileSync(fd, data));
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

/**
 * Write rows (arrays of cells) as CSV atomically; cells with comma/quote/newline are quoted.
 * `rows` may be any iterable (e.g. a generator making each row as it is written): the file goes
 * out in pieces of ≈ 1 MB, so a table of hours of tip rows is never one string in memory.
 */
export function writeCsvAtomic(path: string, header: string[], rows: Iterable<Array<string | number>>): void {
  const esc = (c: string | number): string => {
    const s = typeof c === 'number' ? csvNumber(c) : c;
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  writeThroughTemp(path, (fd) => {
    const put = (text: string) => writeAll(fd, Buffer.from(text, 'utf8'));
    let piece = header.join(',') + '\n';
    for (const r of rows) {
      piece += r.map(esc).join(',') + '\n';
      if (piece.length >= 1 << 20) {
        put(piece);
        piece = '';
      }
    }
    if (piece) put(piece);
  });
}

/** f over xs, lazily (one element at a time: rows for writeCsvAtomic made as they are written). */
export function* lazyMap<T, U>(xs: readonly T[], f: (x: T) => U): Generator<U> {
  for (const x of xs) yield f(x);
}
