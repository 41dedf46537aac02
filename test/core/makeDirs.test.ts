/**
 * makeDirs (src/core/makeDirs.ts): mkdir -p that always returns — Node 20's recursive mkdirSync
 * never returns for a folder in /proc (mkdir fails with ENOENT under an existing parent), which
 * hung `lidtrack track … --out /proc/x` after the whole analysis, deaf to Ctrl-C. And the results
 * folder guard (guardOutputDir) that now tries the folder at the start.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLidtrackError } from '../../src/core/errors.js';
import { makeDirs } from '../../src/core/makeDirs.js';
import { guardOutputDir } from '../../src/report/runFiles.js';

describe('makeDirs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lidtrack-mkdirs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the missing folders, outermost first, and nothing for an existing one', () => {
    const deep = join(dir, 'a', 'b', 'c');
    expect(makeDirs(deep)).toEqual([join(dir, 'a'), join(dir, 'a', 'b'), deep]);
    expect(existsSync(deep)).toBe(true);
    expect(makeDirs(deep)).toEqual([]);
    expect(makeDirs(join(dir, 'a', 'b', 'd'))).toEqual([join(dir, 'a', 'b', 'd')]);
  });

  it('throws mkdir’s error instead of looping: a file in the way, a folder /proc refuses', () => {
    writeFileSync(join(dir, 'f'), '');
    expect(() => makeDirs(join(dir, 'f', 'x'))).toThrow(/ENOTDIR/);
    const t0 = performance.now();
    expect(() => makeDirs('/proc/lidtrack-no-such-dir/a')).toThrow(/ENOENT/);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('guardOutputDir: an --out that cannot be made is one clear input error at the start; a makeable one is left unmade', () => {
    let err: unknown = null;
    try {
      guardOutputDir('/proc/lidtrack-no-such-dir', false);
    } catch (e) {
      err = e;
    }
    expect(isLidtrackError(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/--out \/proc\/lidtrack-no-such-dir cannot be created \(ENOENT\)/);
    guardOutputDir(join(dir, 'new', 'out'), false);
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });
});
