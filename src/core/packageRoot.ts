/**
 * The folder of lidtrack's package.json, found from this module's own location by walking up.
 * The same answer whether lidtrack runs from its TypeScript sources (src/…, via tsx) or from the
 * bundle the install step builds (dist/lidtrack.mjs, see scripts/build.mjs), whose modules all
 * share one import.meta.url: paths to package files are resolved from here, never relative to a
 * module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'lidtrack') return dir;
      } catch { /* not ours: keep walking */ }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`lidtrack's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** Absolute path of the lidtrack package (the folder holding its package.json). */
export const PACKAGE_ROOT: string = findRoot();
