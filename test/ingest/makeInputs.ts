/**
 * Test inputs generated on the fly with the resolved ffmpeg (lavfi sources) and sharp, in a
 * temporary folder: tiny, deterministic, and with known timestamps and pixel values.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFfmpeg } from '../../src/ingest/binaries.js';
import { ffmpegCapabilities } from '../../src/ingest/ffmpegCapabilities.js';
import { runProcess } from '../../src/ingest/runProcess.js';

export function makeTempDir(tag: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `lidtrack-ingest-${tag}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Run the resolved ffmpeg with `args` (after -y); throws with its stderr on failure. */
export async function ffmpeg(args: string[]): Promise<void> {
  const r = await runProcess(resolveFfmpeg().ffmpeg.path, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** Every decoded frame's best-effort timestamp [s] according to ffprobe (a second, independent reader). */
export async function ffprobeFrameTimes(path: string): Promise<number[]> {
  const r = await runProcess(resolveFfmpeg().ffprobe.path, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', path]);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter(Boolean)
    .map(Number);
}

/** Arguments that keep every frame and its timestamp when encoding (ffmpeg ≥ 5.1 or older). */
export async function passthrough(): Promise<string[]> {
  return (await ffmpegCapabilities()).passthroughArgs;
}

/** Designed times of the variable-frame-rate test video: jitter + a gap of 5 dropped frames. */
export const VFR_SOURCE_FRAMES = 30;
export const VFR_DROPPED = [10, 11, 12, 13, 14];
export function vfrDesignedTimes(): number[] {
  const t: number[] = [];
  for (let n = 0; n < VFR_SOURCE_FRAMES; n++) if (!VFR_DROPPED.includes(n)) t.push(n * 0.1 + 0.03 * (n % 3));
  return t;
}

/**
 * A VFR H.264 file: source frames n at 0.1·n + 0.03·(n mod 3) s (ms time base), frames 10–14
 * removed (a 0.6 s gap). Nominal rate 10 fps, so index/fps is wrong by up to 0.53 s.
 */
export async function makeVfrVideo(out: string, extraArgs: string[] = []): Promise<void> {
  await ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=size=64x48:rate=10:duration=${VFR_SOURCE_FRAMES / 10}`,
    '-vf', `settb=1/1000,setpts='(N*0.1+0.03*mod(N\\,3))/TB',select='not(between(n\\,${VFR_DROPPED[0]}\\,${VFR_DROPPED[VFR_DROPPED.length - 1]}))'`,
    ...(await passthrough()), '-enc_time_base', '1/1000',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', ...extraArgs, out,
  ]);
}
