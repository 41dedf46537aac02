#!/usr/bin/env node
/**
 * Build dist/lidtrack.cjs: the CLI and its library bundled into one CommonJS file by esbuild (a
 * dependency), npm packages left external but for the small pure-JS ones every start loads
 * (BUNDLED_PACKAGES: one parse instead of ~60 ES modules, ≈ 55 ms a start), with its V8 code cache
 * (dist/lidtrack.v8cache: bin/bundle.js says why, ≈ 45 ms a start); and dist/track.mjs,
 * the tip module the tip worker loads (src/pipeline/tipWorker.js); and OpenCV.js split into its script and its wasm
 * (dist/opencv-core.js, dist/opencv.wasm, a V8 code cache and a stamp: writeOpenCvSplit in
 * src/segment/opencv.ts, run from dist/opencv.mjs). Run by `npm ci` / `npm install` (the
 * "prepare" script) and by `npm run build`.
 *
 * Why: bin/lidtrack.js can run the TypeScript sources directly through tsx, but loading ~150
 * modules through tsx's loader costs ~0.9 s at every start. The bundle starts in ~0.1 s.
 * bin/lidtrack.js uses the bundle only while it is newer than every file under src/ (so an
 * edited source is never shadowed by a stale bundle); LIDTRACK_FROM_SOURCE=1 forces the sources.
 * The OpenCV.js split saves ≈ 80 ms of main-thread time at every `track` start (opencv.ts says
 * why); it is used from the sources too, whenever its stamp matches the installed package.
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ID_PREFIX } from '../bin/bundle.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const BUNDLED_PACKAGES = new Set(['zod', 'commander', 'cli-progress', 'simple-statistics']);
const EXTERNAL_PACKAGES = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.devDependencies })
  .filter((p) => !BUNDLED_PACKAGES.has(p))
  .flatMap((p) => [p, `${p}/*`]);
mkdirSync(join(root, 'dist'), { recursive: true });
/**
 * zod's namespaces (z.locales, z.core.locales) re-export its ≈ 40 message locales, and `import { z }`
 * keeps every name of a namespace, so all of them were bundled: 389 kB of the 1.75 MB bundle,
 * parsed at every start (≈ 20–30 ms of a `track` start before ffmpeg is spawned). lidtrack uses
 * the English messages zod configures itself with (classic/schemas.js imports locales/en.js
 * directly) and no other locale, so the namespace is given English alone. If zod moves its files,
 * the filter no longer matches and the bundle is as before.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (/[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(a.importer) ? { path: join(dirname(a.importer), '..', 'locales', 'en.js'), namespace: 'zod-en' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (a) => ({ contents: `export { default as en } from ${JSON.stringify(a.path)};`, loader: 'js', resolveDir: dirname(a.path) }));
  },
};
// The CLI as one CommonJS file, run by bin/lidtrack.js from a V8 code cache (bin/bundle.js says
// why); its first line holds a build id that the cache must match.
const bundleId = randomUUID();
const common = {
  plugins: [zodEnglishOnly],
  bundle: true,
  platform: 'node',
  target: 'node20',
  // npm packages stay external (loaded from node_modules) but for the small pure-JS ones every
  // `track` start loads: zod alone is ~50 ES modules, ~60 ms of module loading when external
  external: EXTERNAL_PACKAGES,
  outdir: join(root, 'dist'),
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
};
const cli = await build({
  ...common,
  entryPoints: { lidtrack: join(root, 'src/cli/main.ts') },
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  // (import.meta.url: the bundle's own file URL, as every module of the ES build had)
  define: { 'import.meta.url': '__lidtrackImportMetaUrl' },
  // ("use strict" first: the bundle's own comes after this banner, where it is no directive — the
  // ES build was strict code throughout, and so is this)
  banner: { js: `${ID_PREFIX}${bundleId}\n'use strict';\nconst __lidtrackImportMetaUrl = require('node:url').pathToFileURL(__filename).href;` },
});
// the tip module the tip worker loads (src/pipeline/tipWorker.js), and the OpenCV.js loader (for
// writeOpenCvSplit, below): ES modules
const modules = await build({
  ...common,
  entryPoints: { track: join(root, 'src/track/index.ts'), opencv: join(root, 'src/segment/opencv.ts') },
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  // (the CommonJS ones among them require Node built-ins)
  banner: { js: "import { createRequire as __lidtrackCreateRequire } from 'node:module'; const require = __lidtrackCreateRequire(import.meta.url);" },
});
// written atomically, maps first and the CLI last (bin/lidtrack.js goes by its time): a
// concurrent start never reads a half-written or half-built bundle
const rank = (p) => (p.endsWith('.map') ? 0 : p.endsWith('lidtrack.cjs') ? 2 : 1);
const files = [...modules.outputFiles, ...cli.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
for (const f of files) {
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
// the bundle's code cache, made in a node of its own (default flags: V8 rejects a cache made
// under other flags) after the bundle's top level ran; without it the bundle still runs
const cache = spawnSync(process.execPath, ['--input-type=module', '-e', `import { loadBundle } from ${JSON.stringify(pathToFileURL(join(root, 'bin', 'bundle.js')).href)}; loadBundle(${JSON.stringify(root)}, { writeCache: true });`], { encoding: 'utf8' });
if (cache.status !== 0) console.warn(`lidtrack: the bundle's code cache was not written (${(cache.stderr || '').trim().split('\n').pop()}); each start parses the bundle (≈ 50 ms more)`);
// the ES bundle of earlier builds
rmSync(join(root, 'dist', 'lidtrack.mjs'), { force: true });
rmSync(join(root, 'dist', 'lidtrack.mjs.map'), { force: true });

// OpenCV.js split (not fatal: without it the loader requires the package as it is)
try {
  const { writeOpenCvSplit } = await import(pathToFileURL(join(root, 'dist', 'opencv.mjs')).href);
  await writeOpenCvSplit(join(root, 'dist'));
} catch (e) {
  console.warn(`lidtrack: OpenCV.js was not split (${e instanceof Error ? e.message : e}); it loads ≈ 80 ms slower`);
}
