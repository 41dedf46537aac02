/**
 * ffmpeg's capabilities kept on disk between runs (src/ingest/capsCache.ts): read back as
 * written, for the same binaries only (a binary replaced or touched is a miss), a damaged cache
 * file is a miss, and a cache that cannot be written costs nothing but the next start's question
 * (nor hangs: a folder that cannot be made under /proc).
 */
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capsCacheFile, readCachedCapabilities, writeCachedCapabilities, type CachedCapabilities } from '../../src/ingest/capsCache.js';

const CAPS: CachedCapabilities = { showinfoFilter: 'showinfo=checksum=0', passthroughArgs: ['-fps_mode', 'passthrough'], ffmpegVersion: 'ffmpeg version 7.1', ffprobeVersion: 'ffprobe version 7.1' };

describe('ffmpeg capabilities cache', () => {
  let dir: string;
  let saved: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lidtrack-caps-'));
    saved = process.env.LIDTRACK_CACHE_DIR;
    process.env.LIDTRACK_CACHE_DIR = join(dir, 'cache');
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.LIDTRACK_CACHE_DIR;
    else process.env.LIDTRACK_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what was written for the same binaries; another pair, or one touched since, is a miss', () => {
    const ff = join(dir, 'ffmpeg'), fp = join(dir, 'ffprobe'), other = join(dir, 'ffmpeg7');
    for (const p of [ff, fp, other]) writeFileSync(p, '#!/bin/sh\n');
    expect(readCachedCapabilities(ff, fp)).toBeNull();
    writeCachedCapabilities(ff, fp, CAPS);
    expect(readCachedCapabilities(ff, fp)).toEqual(CAPS);
    expect(readCachedCapabilities(other, fp)).toBeNull();
    writeCachedCapabilities(other, fp, { ...CAPS, showinfoFilter: 'showinfo', passthroughArgs: ['-vsync', 'passthrough'] });
    expect(readCachedCapabilities(ff, fp)).toEqual(CAPS); // both pairs kept
    expect(readCachedCapabilities(other, fp)?.passthroughArgs).toEqual(['-vsync', 'passthrough']);
    utimesSync(ff, new Date(), new Date(Date.now() + 5000)); // replaced or upgraded in place
    expect(readCachedCapabilities(ff, fp)).toBeNull();
    expect(readCachedCapabilities(join(dir, 'missing'), fp)).toBeNull();
  });

  it('a damaged cache file or entry is a miss; an unwritable cache is no error', () => {
    const ff = join(dir, 'ffmpeg'), fp = join(dir, 'ffprobe');
    for (const p of [ff, fp]) writeFileSync(p, '#!/bin/sh\n');
    writeCachedCapabilities(ff, fp, CAPS);
    const file = capsCacheFile();
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Record<string, CachedCapabilities>;
    const key = Object.keys(entry)[0];
    writeFileSync(file, JSON.stringify({ [key]: { ...entry[key], passthroughArgs: 'passthrough' } }));
    expect(readCachedCapabilities(ff, fp)).toBeNull();
    writeFileSync(file, '{"truncated');
    expect(readCachedCapabilities(ff, fp)).toBeNull();
    // a file where the folder should be; a folder mkdir cannot make under an existing parent (in
    // /proc, where Node 20's recursive mkdir never returns), and a nested one under it
    for (const bad of [join(ff, 'not-a-dir'), '/proc/lidtrack-no-such-dir', '/proc/lidtrack-no-such-dir/a/b']) {
      process.env.LIDTRACK_CACHE_DIR = bad;
      expect(() => writeCachedCapabilities(ff, fp, CAPS)).not.toThrow();
      expect(readCachedCapabilities(ff, fp)).toBeNull();
    }
  });
});
