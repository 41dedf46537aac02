#!/usr/bin/env node
// Launcher. Runs the bundle the install step builds (dist/lidtrack.mjs, scripts/build.mjs) when
// it is newer than every source file; otherwise (a source edited since, or no bundle yet) the
// TypeScript sources through tsx, so `npm ci && npx lidtrack ...` never needs a separate build
// step and an edit is never shadowed by a stale bundle. LIDTRACK_FROM_SOURCE=1 forces the sources.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'lidtrack.mjs');

/** Newest modification time [ms] of the files under dir (recursive). */
function newestMtimeMs(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtimeMs(p) : statSync(p).mtimeMs);
  }
  return t;
}

function bundleIsFresh() {
  if (process.env.LIDTRACK_FROM_SOURCE === '1') return false;
  try {
    const b = statSync(bundle).mtimeMs;
    return b > newestMtimeMs(join(root, 'src')) && b > statSync(join(root, 'package.json')).mtimeMs;
  } catch {
    return false; // no bundle
  }
}

let main;
if (bundleIsFresh()) ({ main } = await import(bundle));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
