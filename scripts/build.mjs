#!/usr/bin/env node
/**
 * Build dist/lidtrack.mjs: the CLI and its library bundled into one ES module by esbuild
 * (a dependency), npm packages left external. Run by `npm ci` / `npm install` (the
 * "prepare" script) and by `npm run build`.
 *
 * Why: bin/lidtrack.js can run the TypeScript sources directly through tsx, but loading ~150
 * modules through tsx's loader costs ~0.9 s at every start. The bundle starts in ~0.1 s.
 * bin/lidtrack.js uses the bundle only while it is newer than every file under src/ (so an
 * edited source is never shadowed by a stale bundle); LIDTRACK_FROM_SOURCE=1 forces the sources.
 */
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist'), { recursive: true });
const out = join(root, 'dist', 'lidtrack.mjs');
const res = await build({
  entryPoints: [join(root, 'src/cli/main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outfile: out,
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});
// written atomically (map first): a concurrent start never reads a half-written bundle
const files = [...res.outputFiles].sort((a, b) => Number(b.path.endsWith('.map')) - Number(a.path.endsWith('.map')));
for (const f of files) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
