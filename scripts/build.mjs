#!/usr/bin/env node
/**
 * Build dist/lidtrack.mjs: the CLI and its library bundled into one ES module by esbuild (a
 * dependency), npm packages left external but for the small pure-JS ones every start loads
 * (BUNDLED_PACKAGES: one parse instead of ~60 ES modules, ≈ 55 ms a start); and dist/track.mjs,
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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
const res = await build({
  plugins: [zodEnglishOnly],
  // the CLI, the tip module the tip worker loads (src/pipeline/tipWorker.js), and the OpenCV.js
  // loader (for writeOpenCvSplit, below)
  entryPoints: { lidtrack: join(root, 'src/cli/main.ts'), track: join(root, 'src/track/index.ts'), opencv: join(root, 'src/segment/opencv.ts') },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // npm packages stay external (loaded from node_modules) but for the small pure-JS ones every
  // `track` start loads: zod alone is ~50 ES modules, ~60 ms of module loading when external
  external: EXTERNAL_PACKAGES,
  // (the CommonJS ones among them require Node built-ins)
  banner: { js: "import { createRequire as __lidtrackCreateRequire } from 'node:module'; const require = __lidtrackCreateRequire(import.meta.url);" },
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
  // code split at dynamic imports (chunks/): `lidtrack track` loads its own code and not the
  // other commands' (src/cli/main.ts), nor the report's (runTrack imports it when it runs)
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
});
// written atomically, maps first and the CLI last (bin/lidtrack.js goes by its time): a
// concurrent start never reads a half-written or half-built bundle
const rank = (p) => (p.endsWith('.map') ? 0 : p.endsWith('lidtrack.mjs') ? 2 : 1);
const files = [...res.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
// chunks of earlier builds (their names carry a content hash): removed once an hour old, so a
// start that read the previous lidtrack.mjs just before it was replaced still finds its chunks
const chunkDir = join(root, 'dist', 'chunks');
const current = new Set(files.map((f) => f.path));
for (const name of existsSync(chunkDir) ? readdirSync(chunkDir) : []) {
  const p = join(chunkDir, name);
  if (!current.has(p) && Date.now() - statSync(p).mtimeMs > 3600e3) rmSync(p, { force: true });
}

// OpenCV.js split (not fatal: without it the loader requires the package as it is)
try {
  const { writeOpenCvSplit } = await import(pathToFileURL(join(root, 'dist', 'opencv.mjs')).href);
  await writeOpenCvSplit(join(root, 'dist'));
} catch (e) {
  console.warn(`lidtrack: OpenCV.js was not split (${e instanceof Error ? e.message : e}); it loads ≈ 80 ms slower`);
}
