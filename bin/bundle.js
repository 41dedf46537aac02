// The built CLI (dist/lidtrack.cjs, scripts/build.mjs) run from a V8 code cache.
//
// Why: parsing the 1.4 MB bundle as an ES module took ≈ 65 ms of every start (V8 compiles a
// module's top level and pre-parses all of it, on the main thread, before anything runs). Node 20
// keeps no code cache for modules; a vm.Script takes one (cachedData), so the bundle is CommonJS
// and is compiled here: ≈ 15 ms. The cache (dist/lidtrack.v8cache) is written by the build, after
// the bundle's top level has run, so the functions compiled by then are in it too.
//
// A cache is only good for the exact bundle it was made from: the build puts an id in the
// bundle's first line and at the head of the cache; a cache with another id is not offered to V8.
// V8 itself rejects a cache from another V8 version or other flags (cachedDataRejected): the
// bundle is then compiled from its source, as without a cache — slower, never wrong.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';

export const BUNDLE_FILE = join('dist', 'lidtrack.cjs');
export const CACHE_FILE = join('dist', 'lidtrack.v8cache');
/** The bundle's first line: this prefix, then its build id. */
export const ID_PREFIX = '// lidtrack bundle ';

/**
 * Run the bundle under `root` (its top level) and return its exports; with `writeCache`, write
 * the code cache of what was compiled by then. `cache`: 'used', 'rejected' (by V8), or 'none'.
 */
export function loadBundle(root, { writeCache = false } = {}) {
  const file = join(root, BUNDLE_FILE), cacheFile = join(root, CACHE_FILE);
  const source = readFileSync(file, 'utf8');
  const id = source.startsWith(ID_PREFIX) ? source.slice(ID_PREFIX.length, source.indexOf('\n')) : '';
  const head = Buffer.from(`${id}\n`);
  let cachedData;
  if (id && !writeCache) {
    try {
      const c = readFileSync(cacheFile);
      if (c.subarray(0, head.length).equals(head)) cachedData = c.subarray(head.length);
    } catch { /* no cache */ }
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  // import() is not available to code compiled by vm.Script (Node 20, without an experimental
  // flag): the bundle's few package imports go through this one (src/core/importPackage.ts)
  globalThis.__lidtrackImport ??= (specifier) => import(specifier);
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  if (writeCache && id) {
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([head, script.createCachedData()]));
    renameSync(tmp, cacheFile);
  }
  return { exports: module.exports, cache: cachedData ? (script.cachedDataRejected ? 'rejected' : 'used') : 'none' };
}
