import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLidtrackError } from '../../src/core/errors.js';
import { registerDoctor } from '../../src/cli/commands/doctor.js';
import { registerProbe } from '../../src/cli/commands/probe.js';
import { ffmpegResolutionChain } from '../../src/ingest/index.js';
import { ffmpeg, makeTempDir, makeVfrVideo, vfrDesignedTimes } from './makeInputs.js';

const tmp = makeTempDir('cli');
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const f = (name: string) => join(tmp.dir, name);

/** Run one sub-command in-process; returns stdout and the error it threw (if any). */
async function run(args: string[]): Promise<{ out: string; error: unknown }> {
  const program = new Command().exitOverride();
  registerProbe(program);
  registerDoctor(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  let error: unknown = null;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    error = e;
  } finally {
    spy.mockRestore();
  }
  return { out, error };
}

beforeAll(async () => {
  await makeVfrVideo(f('vfr.mkv'));
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.3', '-c:a', 'aac', f('audio.m4a')]);
}, 60_000);
afterAll(() => tmp.cleanup());

describe('lidtrack probe', () => {
  it('prints the table: codec, size, fps, frames, IRREGULAR timestamps with the gap', async () => {
    const { out, error } = await run(['probe', f('vfr.mkv')]);
    expect(error).toBeNull();
    expect(out).toMatch(/^codec\s+h264 \(yuv420p/m);
    expect(out).toMatch(/^size\s+64 × 48 px$/m);
    expect(out).toMatch(/^nominal fps\s+10 /m);
    expect(out).toMatch(/^frames\s+25 \(packets counted\)$/m);
    expect(out).toMatch(/^timestamps\s+IRREGULAR \(all 25 frames; .*max 600.*1 gap\(s\)/m);
  });
  it('--json prints the probe result', async () => {
    const { out } = await run(['probe', f('vfr.mkv'), '--json']);
    const j = JSON.parse(out) as { frameCount: number; irregularTimestamps: boolean; codec: string };
    expect([j.frameCount, j.irregularTimestamps, j.codec]).toEqual([25, true, 'h264']);
  });
  it('--decode reads every frame as track does: all 25 frames, the designed last time, a reading speed', async () => {
    const { out, error } = await run(['probe', f('vfr.mkv'), '--json', '--decode']);
    expect(error).toBeNull();
    const d = (JSON.parse(out) as { decode: { frames: number; expectedFrames: number; firstTS: number; lastTS: number; framesPerS: number; endedEarly: string | null } }).decode;
    const t = vfrDesignedTimes();
    expect([d.frames, d.expectedFrames, d.firstTS, d.endedEarly]).toEqual([t.length, t.length, 0, null]);
    // container times (ms time base) relative to the first frame: the designed 2.96 s within 1 ms
    expect(Math.abs(d.lastTS - (t[t.length - 1] - t[0]))).toBeLessThan(1e-3);
    expect(d.framesPerS).toBeGreaterThan(0);
    const table = await run(['probe', f('vfr.mkv'), '--decode']);
    expect(table.out).toMatch(/^decoded\s+25 frames, t = 0 s … 2\.96 s$/m);
    expect(table.out).toMatch(/^reading speed\s+[\d.]+ frames\/s/m);
  });
  it('--decode of a TIFF stack takes its times as track does (--timestamps or --fps), and says so without them', async () => {
    const tif = join(FIXTURES, 'tiff16', 'video.tif');
    const withCsv = await run(['probe', tif, '--decode', '--timestamps', join(FIXTURES, 'tiff16', 'timestamps.csv')]);
    expect(withCsv.error).toBeNull();
    expect(withCsv.out).toMatch(/^decoded\s+36 frames, t = 0 s … 7 s$/m); // the CSV's last row: 35,7
    const withFps = await run(['probe', tif, '--decode', '--fps', '2']);
    expect(withFps.out).toMatch(/^decoded\s+36 frames, t = 0 s … 17\.5 s$/m);
    const none = await run(['probe', tif, '--decode']);
    expect(isLidtrackError(none.error)).toBe(true);
    if (isLidtrackError(none.error)) expect(none.error.oneLine()).toMatch(/TIFF stacks carry no frame times/);
    const alone = await run(['probe', tif, '--fps', '2']);
    expect(isLidtrackError(alone.error)).toBe(true);
    if (isLidtrackError(alone.error)) expect(alone.error.oneLine()).toMatch(/--timestamps and --fps go with --decode/);
  });
  it('an audio-only file is a known error (exit 2 in the CLI) with one line', async () => {
    const { error, out } = await run(['probe', f('audio.m4a')]);
    expect(isLidtrackError(error)).toBe(true);
    expect(out).toBe('');
    if (isLidtrackError(error)) expect(error.oneLine()).toMatch(/^[^\n]*audio\.m4a has no video stream[^\n]*$/);
  });
});

describe('lidtrack doctor', () => {
  it('shows the resolution chain and every needed check passes here', async () => {
    const { out, error } = await run(['doctor']);
    expect(error).toBeNull();
    expect(out).toMatch(/→ ffmpeg\s+\S+/);
    expect(out).toMatch(/→ ffprobe\s+\S+/);
    for (const name of ['Node.js', 'ffmpeg runs', 'ffprobe runs', 'decode to gray8 \\+ timestamps', 'sharp / libvips', 'OpenCV.js']) {
      expect(out).toMatch(new RegExp(`^  ok\\s+${name}`, 'm'));
    }
    expect(out).toMatch(/OpenCV\.js\s+@techstark\/opencv-js [\d.]+: General configuration for OpenCV/);
  }, 90_000);
  it('explains why a broken FFMPEG_PATH is skipped', () => {
    const before = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = f('no-such-ffmpeg');
    try {
      const step = ffmpegResolutionChain().find((s) => s.source === 'env FFMPEG_PATH');
      expect(step).toMatchObject({ used: false, reason: 'file missing or not executable' });
      expect(ffmpegResolutionChain().filter((s) => s.binary === 'ffmpeg' && s.used)).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = before;
    }
  });
});
