/**
 * Functional checks of the resolved ffmpeg / ffprobe, for `lidtrack doctor`: they run, they
 * decode to raw gray8 with per-frame timestamps the way openVideo() needs, and whether H.264
 * encoding (used by `lidtrack simulate`) is available.
 */
import { resolveFfmpeg } from './binaries.js';
import { ffmpegCapabilities } from './ffmpegCapabilities.js';
import { parseShowinfoFrame } from './ffmpegLog.js';
import { runProcess } from './runProcess.js';

/** Outcome of one check. */
export interface Check {
  name: string;
  ok: boolean;
  /** lidtrack cannot ingest videos without it. */
  needed: boolean;
  detail: string;
  /** What to do when it fails. */
  fix: string;
}

/** Run the ffmpeg / ffprobe checks (≈ 0.3 s). Never throws: failures are reported as checks. */
export async function diagnoseFfmpeg(): Promise<Check[]> {
  const checks: Check[] = [];
  const installFix = 'run `npm ci` (installs @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe), or set FFMPEG_PATH / FFPROBE_PATH, or install ffmpeg on PATH';
  let bins;
  try {
    bins = resolveFfmpeg();
  } catch (e) {
    checks.push({ name: 'ffmpeg/ffprobe resolved', ok: false, needed: true, detail: (e as Error).message, fix: installFix });
    return checks;
  }
  try {
    const caps = await ffmpegCapabilities();
    checks.push({ name: 'ffmpeg runs', ok: true, needed: true, detail: `${caps.ffmpegVersion} (${bins.ffmpeg.source})`, fix: installFix });
    checks.push({ name: 'ffprobe runs', ok: true, needed: true, detail: `${caps.ffprobeVersion} (${bins.ffprobe.source})`, fix: installFix });
    const w = 32;
    const h = 24;
    const r = await runProcess(
      bins.ffmpeg.path,
      ['-hide_banner', '-nostdin', '-loglevel', 'level+info', '-f', 'lavfi', '-i', `testsrc=size=${w}x${h}:rate=10:duration=0.3`, '-vf', 'scale=out_range=full,format=gray,showinfo', ...caps.passthroughArgs, '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'],
      { timeoutMs: 20_000 },
    );
    const frames = r.stderr.split('\n').map(parseShowinfoFrame).filter((f) => f !== null).length;
    const bytesOk = Buffer.byteLength(r.stdout, 'latin1') > 0 && r.code === 0;
    checks.push({
      name: 'decode to gray8 + timestamps',
      ok: bytesOk && frames === 3,
      needed: true,
      detail: bytesOk ? `${frames} frames with showinfo timestamps (expected 3), frame-rate mode ${caps.passthroughArgs.join(' ')}` : `ffmpeg exited with ${r.code}`,
      fix: 'this ffmpeg build lacks the lavfi/showinfo filters or raw output; use the bundled one (unset FFMPEG_PATH) or a full ffmpeg build',
    });
    const enc = await runProcess(bins.ffmpeg.path, ['-hide_banner', '-encoders'], { timeoutMs: 15_000 });
    const x264 = /\blibx264\b/.test(enc.stdout);
    checks.push({
      name: 'H.264 encoder (simulate)',
      ok: x264,
      needed: false,
      detail: x264 ? 'libx264 available' : 'libx264 missing: `lidtrack simulate` can still write MJPEG/TIFF/PNG',
      fix: 'use an ffmpeg build with libx264 (the bundled @ffmpeg-installer one has it)',
    });
  } catch (e) {
    checks.push({ name: 'ffmpeg runs', ok: false, needed: true, detail: (e as Error).message.split('\n')[0], fix: installFix });
  }
  return checks;
}
