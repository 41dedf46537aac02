/**
 * The built CLI runs from its V8 code cache (bin/bundle.js, scripts/build.mjs): a cache is used
 * only for the bundle it was made from (build id), one V8 rejects leaves the bundle running from
 * its source, and the real build's bundle is strict code whose cache this Node accepts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/packageRoot.js';

const BUNDLE_JS = pathToFileURL(join(PACKAGE_ROOT, 'bin', 'bundle.js')).href;

/** loadBundle(root, opts) in a node of its own (default V8 flags): its cache state and what the bundle exported. */
function load(root: string, writeCache = false): { cache: string; exports: Record<string, unknown> } {
  const code = `import { loadBundle } from ${JSON.stringify(BUNDLE_JS)};
const r = loadBundle(${JSON.stringify(root)}, { writeCache: ${writeCache} });
const e = {}; for (const [k, v] of Object.entries(r.exports)) e[k] = typeof v === 'function' ? 'function' : v;
console.log(JSON.stringify({ cache: r.cache, exports: e }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function fakeBundle(id: string, body: string): string {
  const root = mkdtempSync(join(tmpdir(), 'lidtrack-bundle-'));
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'lidtrack.cjs'), `// lidtrack bundle ${id}\n'use strict';\n${body}\n`);
  return root;
}

describe('the bundle and its code cache', () => {
  it('a cache is written, then used; a cache made for another build is not offered to V8', () => {
    const body = `exports.answer = 6 * 7; exports.strict = (function () { return this === undefined; })(); exports.main = () => 0;`;
    const root = fakeBundle('build-a', body);
    expect(load(root)).toEqual({ cache: 'none', exports: { answer: 42, strict: true, main: 'function' } });
    expect(load(root, true).cache).toBe('none');
    expect(existsSync(join(root, 'dist', 'lidtrack.v8cache'))).toBe(true);
    expect(load(root).cache).toBe('used');
    // another build of the same length, its cache not rebuilt: the id differs, the cache is ignored
    const other = fakeBundle('build-b', body.replace('6 * 7', '7 * 7'));
    writeFileSync(join(other, 'dist', 'lidtrack.v8cache'), readFileSync(join(root, 'dist', 'lidtrack.v8cache')));
    expect(load(other)).toEqual({ cache: 'none', exports: { answer: 49, strict: true, main: 'function' } });
  });

  it('a cache V8 cannot use (damaged) is rejected and the bundle runs from its source', () => {
    const root = fakeBundle('build-c', `exports.answer = 40 + 2;`);
    load(root, true);
    const cacheFile = join(root, 'dist', 'lidtrack.v8cache');
    const c = readFileSync(cacheFile);
    const head = c.indexOf(10) + 1;
    for (let i = head + 8; i < c.length; i += 7) c[i] ^= 0x5a;
    writeFileSync(cacheFile, c);
    expect(load(root)).toEqual({ cache: 'rejected', exports: { answer: 42 } });
  });

  it("the real build: strict code, its id in the first line, and a cache this Node uses", () => {
    if (!existsSync(join(PACKAGE_ROOT, 'dist', 'lidtrack.cjs')) || !existsSync(join(PACKAGE_ROOT, 'dist', 'lidtrack.v8cache'))) {
      const b = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'scripts', 'build.mjs')], { encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
    }
    const lines = readFileSync(join(PACKAGE_ROOT, 'dist', 'lidtrack.cjs'), 'utf8').split('\n', 2);
    expect(lines[0]).toMatch(/^\/\/ lidtrack bundle [0-9a-f-]{36}$/);
    expect(lines[1]).toBe("'use strict';");
    const r = load(PACKAGE_ROOT);
    expect(r.cache).toBe('used');
    expect(r.exports.main).toBe('function');
  });
});
