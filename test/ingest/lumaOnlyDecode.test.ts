/**
 * Luma-only decoding (grayConversion.ts LUMA_ONLY_DECODE, `-flags:v gray`): for planar 8-bit YUV
 * sources lidtrack asks ffmpeg's decoder to skip the chroma planes. The frames it reads must be
 * byte for byte the gray a full decode gives (ffmpeg's own extractplanes=y and lut on a decode
 * without the flag), for each codec a lab's recording is likely to be in; RGB sources must not get
 * the flag (their gray is computed from all planes). And the flag must really act in the bundled
 * ffmpeg — else this path is not tested at all: its full YUV output differs with the flag.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/core/types.js';
import { openVideo, resolveFfmpeg } from '../../src/ingest/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-lumaonly-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): Buffer {
  const r = spawnSync(resolveFfmpeg().ffmpeg.path, ['-hide_banner', '-v', 'error', ...args], { maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A moving, textured clip (inter prediction, B-frames where the codec has them). */
function encode(name: string, codecArgs: string[]): string {
  const out = join(tmp, name);
  run(['-y', '-f', 'lavfi', '-i', 'testsrc2=size=176x144:rate=10:duration=1.2', ...codecArgs, out]);
  return out;
}

async function lidtrackFrames(path: string): Promise<{ frames: Buffer; args: string[] }> {
  const src = await openVideo(path);
  const parts: Buffer[] = [];
  for await (const f of src.frames() as AsyncIterable<Frame>) parts.push(Buffer.from(f.data));
  return { frames: Buffer.concat(parts), args: src.ffmpegArgs };
}

const CLIPS: Array<[string, string[], string]> = [
  ['h264.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-bf', '2'], 'extractplanes=y,lut=c0=floor((val-16)*255/219+0.5)'],
  ['h264-422.mkv', ['-c:v', 'libx264', '-pix_fmt', 'yuv422p'], 'extractplanes=y,lut=c0=floor((val-16)*255/219+0.5)'],
  ['mpeg4.avi', ['-c:v', 'mpeg4', '-q:v', '4'], 'extractplanes=y,lut=c0=floor((val-16)*255/219+0.5)'],
  ['mjpeg.avi', ['-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p'], 'extractplanes=y'],
  ['hevc.mkv', ['-c:v', 'libx265', '-x265-params', 'log-level=none', '-pix_fmt', 'yuv420p'], 'extractplanes=y,lut=c0=floor((val-16)*255/219+0.5)'],
];

describe('luma-only decoding', () => {
  for (const [name, codec, grayFilters] of CLIPS) {
    it(`${name}: the frames read are the gray of a full decode, byte for byte`, async () => {
      const path = encode(name, codec);
      const { frames, args } = await lidtrackFrames(path);
      const i = args.indexOf('-flags:v');
      expect(i).toBeGreaterThanOrEqual(0);
      expect(args[i + 1]).toBe('gray');
      expect(i).toBeLessThan(args.indexOf('-i')); // a decoder option
      const full = run(['-i', path, '-vf', grayFilters, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
      expect(full.length).toBe(12 * 176 * 144);
      expect(frames.length).toBe(full.length);
      expect(frames.equals(full)).toBe(true);
    });
  }

  it('the flag acts in this ffmpeg: the chroma of a luma-only H.264 decode is not the full decode\'s', () => {
    const path = encode('h264-chroma.mp4', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
    const normal = run(['-i', path, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    const luma = run(['-flags:v', 'gray', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    const frame = 176 * 144 * 1.5, y = 176 * 144;
    let yDiff = 0, cDiff = 0;
    for (let k = 0; k < normal.length / frame; k++) {
      const o = k * frame;
      for (let j = 0; j < y; j++) if (normal[o + j] !== luma[o + j]) yDiff++;
      for (let j = y; j < frame; j++) if (normal[o + j] !== luma[o + j]) cDiff++;
    }
    expect(yDiff).toBe(0);
    expect(cDiff).toBeGreaterThan(1000);
  });

  it('an RGB source is decoded in full (its gray is computed from R, G and B)', async () => {
    const path = encode('rgb.mkv', ['-c:v', 'png', '-pix_fmt', 'rgb24']);
    const { frames, args } = await lidtrackFrames(path);
    expect(args).not.toContain('-flags:v');
    const full = run(['-i', path, '-vf', 'scale=out_range=full,format=gray', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
    expect(frames.equals(full)).toBe(true);
  });
});
