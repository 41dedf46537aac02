/**
 * openSource: the single entry point of the ingest stage. Decides what the input is and how
 * its frames are timed:
 *
 * | input                                  | read with       | frame times tS [s]                                  |
 * |----------------------------------------|-----------------|-----------------------------------------------------|
 * | video container (MP4, AVI, MKV, MOV …) | ffmpeg          | container pts − first frame's pts; `--timestamps`   |
 * |                                        |                 | overrides; `--fps` only if the stream has no times  |
 * | .tif / .tiff (multi-page stack)        | sharp, per page | `--timestamps` CSV, or index / `--fps`              |
 * | folder, `img_%04d.png`, `img_*.tif`    | sharp, per file | `--timestamps` CSV, or index / `--fps`              |
 */
import { statSync } from 'node:fs';
import { extname } from 'node:path';
import { InputError } from '../core/errors.js';
import type { VideoInfo } from '../core/types.js';
import { isSequencePattern, listImageSequence } from './listImageSequence.js';
import { openRasterPages, rasterLayout, type PageRef } from './openRasterPages.js';
import { openVideo } from './openVideo.js';
import { probeVideo } from './probeVideo.js';
import { checkTimestampsCover, readTimestampsCsv } from './timestampsCsv.js';
import type { IngestFrameSource, OpenSourceOptions, TimestampSource } from './types.js';

/** What kind of input a path is. */
export type SourceKind = 'video' | 'tiff-stack' | 'image-sequence';

/**
 * Classify an input path: a folder or a %d / * pattern is an image sequence, a .tif/.tiff
 * file a TIFF stack, any other file a video container.
 * @throws InputError when the path does not exist
 */
export function sourceKind(path: string): SourceKind {
  if (isSequencePattern(path)) return 'image-sequence';
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(`input not found: ${path}`, 'give a video file, a TIFF stack, a folder of images or a pattern such as frames/img_%04d.png');
  }
  if (isDir) return 'image-sequence';
  const ext = extname(path).toLowerCase();
  return ext === '.tif' || ext === '.tiff' ? 'tiff-stack' : 'video';
}

function checkOptions(opts: OpenSourceOptions): void {
  if (opts.fps !== undefined && !(Number.isFinite(opts.fps) && opts.fps > 0)) {
    throw new InputError(`--fps must be a positive number of frames per second; got ${opts.fps}`, 'e.g. --fps 2 for one frame every 0.5 s');
  }
  if (opts.maxFrames !== undefined && !(Number.isInteger(opts.maxFrames) && opts.maxFrames >= 1)) {
    throw new InputError(`maxFrames must be a whole number ≥ 1; got ${opts.maxFrames}`, 'omit it to read every frame');
  }
  if (opts.readAheadFrames !== undefined && !(Number.isInteger(opts.readAheadFrames) && opts.readAheadFrames >= 1)) {
    throw new InputError(`readAheadFrames must be a whole number ≥ 1; got ${opts.readAheadFrames}`, 'the default is up to 24 frames and 48 MiB');
  }
}

/**
 * Open any supported input as a stream of 8-bit gray frames with true timestamps.
 * @throws InputError for missing inputs, bad options, missing/invalid timing for stills;
 *   VideoDecodeError for files that cannot be decoded
 */
export async function openSource(path: string, opts: OpenSourceOptions = {}): Promise<IngestFrameSource> {
  checkOptions(opts);
  const kind = sourceKind(path);
  const times = opts.timestampsCsv !== undefined ? readTimestampsCsv(opts.timestampsCsv) : undefined;
  if (kind === 'video') {
    return openVideo(path, { roi: opts.roi, maxFrames: opts.maxFrames, readAheadFrames: opts.readAheadFrames, fps: opts.fps, timestampsS: times, deferGrayMap: opts.deferGrayMap });
  }

  let pages: PageRef[];
  if (kind === 'tiff-stack') {
    const layout = await rasterLayout({ file: path, page: 0 });
    pages = Array.from({ length: layout.pages }, (_, page) => ({ file: path, page }));
  } else {
    const files = listImageSequence(path);
    const layout = await rasterLayout({ file: files[0], page: 0 });
    if (layout.pages > 1) {
      throw new InputError(`${files[0]} is a multi-page TIFF (${layout.pages} pages), not one frame of a sequence`, `open the stack directly: lidtrack track ${files[0]} …`);
    }
    pages = files.map((file) => ({ file, page: 0 }));
  }
  const n = opts.maxFrames !== undefined ? Math.min(opts.maxFrames, pages.length) : pages.length;
  const what = kind === 'tiff-stack' ? 'TIFF stacks' : 'image sequences';
  const warnings: string[] = [];
  let timeOf: (i: number) => number;
  let timestampSource: TimestampSource;
  if (times && opts.fps !== undefined) {
    throw new InputError('--timestamps and --fps were both given', `use one: --timestamps FILE.csv (frame,t_s) for the true acquisition times, or --fps N for a constant rate`);
  } else if (times) {
    const w = checkTimestampsCover(times, n, opts.timestampsCsv as string, path);
    if (w) warnings.push(w);
    timeOf = (i) => times[i];
    timestampSource = 'timestamps-csv';
  } else if (opts.fps !== undefined) {
    const fps = opts.fps;
    timeOf = (i) => i / fps;
    timestampSource = 'fps';
  } else {
    throw new InputError(
      `${path}: ${what} carry no frame times`,
      'pass --timestamps FILE.csv (columns frame,t_s: the acquisition time of every frame) or --fps N (constant frames per second)',
    );
  }
  return openRasterPages({
    kind,
    path,
    pages,
    timeOf,
    timestampSource,
    nominalFps: opts.fps ?? null,
    roi: opts.roi,
    maxFrames: opts.maxFrames,
    warnings,
  });
}

/**
 * What lidtrack sees in an input without decoding every frame (for `lidtrack probe`): the
 * full ffprobe result for videos; size, depth, page count and gray rule for stills, whose
 * rate, duration and regularity are unknown (null) without a timestamps CSV or --fps.
 */
export async function probeSource(path: string): Promise<VideoInfo> {
  const kind = sourceKind(path);
  if (kind === 'video') return probeVideo(path);
  const src = await openSource(path, { fps: 1 });
  return { ...src.info, nominalFps: null, durationS: null, irregularTimestamps: null };
}
