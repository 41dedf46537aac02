/**
 * What an ffmpeg/ffprobe pair can do (ffmpegCapabilities.ts), kept on disk between runs: asking
 * takes four short processes at every start (≈ 15 ms of this thread's time spawning them), and
 * `lidtrack track`'s early start (earlyDecode.ts) needs the answer before anything else has run.
 * An entry holds for the exact binaries it was asked of (path, size and modification time of
 * both); anything unreadable is a miss, and a cache that cannot be written is left alone.
 * Where: $LIDTRACK_CACHE_DIR, else $XDG_CACHE_HOME/lidtrack, else ~/.cache/lidtrack.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeDirs } from '../core/makeDirs.js';

export interface CachedCapabilities {
  showinfoFilter: string;
  passthroughArgs: string[];
  ffmpegVersion: string;
  ffprobeVersion: string;
}

/** Entries kept (one per ffmpeg/ffprobe pair seen). */
const MAX_ENTRIES = 8;

export function capsCacheFile(): string {
  const dir = process.env.LIDTRACK_CACHE_DIR || (process.env.XDG_CACHE_HOME ? join(process.env.XDG_CACHE_HOME, 'lidtrack') : join(homedir(), '.cache', 'lidtrack'));
  return join(dir, 'ffmpeg-capabilities.json');
}

function stamp(path: string): string | null {
  try {
    const s = statSync(path);
    return s.isFile() ? `${s.size}:${s.mtimeMs}` : null;
  } catch {
    return null;
  }
}

function keyOf(ffmpeg: string, ffprobe: string): string | null {
  const a = stamp(ffmpeg), b = stamp(ffprobe);
  return a && b ? `${ffmpeg}|${a}|${ffprobe}|${b}` : null;
}

function readAll(): Record<string, CachedCapabilities> {
  try {
    const m = JSON.parse(readFileSync(capsCacheFile(), 'utf8')) as unknown;
    return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, CachedCapabilities>) : {};
  } catch {
    return {};
  }
}

const isCaps = (c: unknown): c is CachedCapabilities => {
  const x = c as CachedCapabilities | null;
  return !!x && typeof x.showinfoFilter === 'string' && Array.isArray(x.passthroughArgs) && x.passthroughArgs.every((a) => typeof a === 'string')
    && typeof x.ffmpegVersion === 'string' && typeof x.ffprobeVersion === 'string';
};

/** The capabilities stored for these binaries, or null (none, or the binaries changed since). */
export function readCachedCapabilities(ffmpeg: string, ffprobe: string): CachedCapabilities | null {
  const key = keyOf(ffmpeg, ffprobe);
  if (!key) return null;
  const c = readAll()[key];
  return isCaps(c) ? { showinfoFilter: c.showinfoFilter, passthroughArgs: [...c.passthroughArgs], ffmpegVersion: c.ffmpegVersion, ffprobeVersion: c.ffprobeVersion } : null;
}

/** Store them (written whole to a temporary file and renamed: a concurrent reader sees the old or the new file). */
export function writeCachedCapabilities(ffmpeg: string, ffprobe: string, caps: CachedCapabilities): void {
  const key = keyOf(ffmpeg, ffprobe);
  if (!key) return;
  try {
    const file = capsCacheFile();
    const all = readAll();
    delete all[key];
    const kept = Object.entries(all).slice(-(MAX_ENTRIES - 1));
    const next = Object.fromEntries([...kept, [key, caps]]);
    makeDirs(dirname(file));
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 1));
    renameSync(tmp, file);
  } catch {
    // (a read-only or missing home: the next start asks ffmpeg again)
  }
}
