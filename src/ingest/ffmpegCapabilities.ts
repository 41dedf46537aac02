/**
 * What the resolved ffmpeg can do, asked once per process. The bundled
 * @ffmpeg-installer build dates from 2018 (before `-fps_mode`, added in ffmpeg 5.1), while a
 * PATH or ffmpeg-static binary may be ffmpeg 7, where `-vsync` is deprecated: the frame-rate
 * mode flag is chosen from what this binary lists in its help.
 */
import { resolveFfmpeg } from './binaries.js';
import { readCachedCapabilities, writeCachedCapabilities } from './capsCache.js';
import { runProcess } from './runProcess.js';
import { InputError } from '../core/errors.js';

export interface FfmpegCapabilities {
  /** Arguments that make ffmpeg pass every decoded frame through with its own timestamp. */
  passthroughArgs: string[];
  /**
   * The showinfo filter as lidtrack uses it: `showinfo=checksum=0` where the option exists
   * (it skips the per-frame checksum/mean/stdev, ~1 ms per 720p frame), else `showinfo`.
   */
  showinfoFilter: string;
  /** First line of `ffmpeg -version`. */
  ffmpegVersion: string;
  /** First line of `ffprobe -version`. */
  ffprobeVersion: string;
}

let cached: Promise<FfmpegCapabilities> | null = null;

/** First line of `<binary> -version`, or throws when the binary does not run. */
export async function binaryVersionLine(path: string): Promise<string> {
  const r = await runProcess(path, ['-hide_banner', '-version'], { timeoutMs: 15_000 });
  const line = r.stdout.split('\n')[0]?.trim() ?? '';
  if (r.code !== 0 || !line) {
    const why = r.code !== 0 ? `exited with code ${r.code}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n')[0]}` : ''}` : 'printed no version';
    throw new Error(`${path} -version ${why}`);
  }
  return line;
}

/** Capabilities of the binaries returned by resolveFfmpeg() (cached). */
export function ffmpegCapabilities(): Promise<FfmpegCapabilities> {
  if (cached) return cached;
  cached = (async () => {
    const bins = resolveFfmpeg();
    // (asked once per pair of binaries and kept on disk: capsCache.ts)
    const stored = readCachedCapabilities(bins.ffmpeg.path, bins.ffprobe.path);
    if (stored) return stored;
    const [ffmpegVersion, ffprobeVersion, help, showinfoHelp] = await Promise.all([
      binaryVersionLine(bins.ffmpeg.path),
      binaryVersionLine(bins.ffprobe.path),
      runProcess(bins.ffmpeg.path, ['-hide_banner', '-h', 'long'], { timeoutMs: 15_000 }),
      runProcess(bins.ffmpeg.path, ['-hide_banner', '-h', 'filter=showinfo'], { timeoutMs: 15_000 }),
    ]);
    const hasFpsMode = /-fps_mode\b/.test(help.stdout);
    const caps: FfmpegCapabilities = {
      ffmpegVersion,
      ffprobeVersion,
      showinfoFilter: /^\s*checksum\s/m.test(showinfoHelp.stdout) ? 'showinfo=checksum=0' : 'showinfo',
      passthroughArgs: hasFpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'],
    };
    if (help.code === 0 && showinfoHelp.code === 0) writeCachedCapabilities(bins.ffmpeg.path, bins.ffprobe.path, caps);
    return caps;
  })();
  cached = cached.catch((e: unknown) => {
    cached = null;
    const bins = resolveFfmpeg();
    throw new InputError(
      `ffmpeg/ffprobe do not work (${bins.ffmpeg.path} from ${bins.ffmpeg.source}): ${(e as Error).message.split('\n')[0]}`,
      'run `lidtrack doctor`; unset FFMPEG_PATH/FFPROBE_PATH to use the bundled binaries, or reinstall with `npm ci`',
      { cause: e },
    );
  });
  return cached;
}
