/**
 * mkdir -p that always returns: a folder and its missing parents, made one level at a time.
 * Not mkdirSync's `recursive` option: on Node 20 it never returns (a busy loop, deaf to Ctrl-C)
 * where mkdir keeps failing with ENOENT under an existing parent — e.g. any path in /proc, as
 * `--out /proc/x` showed. Here such a folder throws mkdir's error like any other failure.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Returns the folders it made, outermost first (none when dir existed). */
export function makeDirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = resolve(dir); ; ) {
    try {
      if (statSync(d).isDirectory()) break;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${d}'`), { code: 'ENOTDIR', path: d });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  const made: string[] = [];
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
      made.push(d);
    } catch (e) {
      // (made meanwhile by another process: fine)
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(d).isDirectory()) throw e;
    }
  }
  return made;
}
