/**
 * Where rendered frames go: an ffmpeg encoder fed through a pipe (H.264 MP4/MKV, MJPEG AVI),
 * a streaming multi-page TIFF, or a PNG sequence. Frames arrive one at a time, in order;
 * nothing holds the video in memory. Outputs are written under temporary names and renamed
 * on success, so an interrupted render never leaves a file that looks complete.
 */
import { spawn } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharp } from '../core/lazySharp.js';
import { VideoDecodeError } from '../core/errors.js';
import { resolveFfmpeg } from '../ingest/binaries.js';
import { tempPathFor } from '../report/atomic.js';
import { ptsExpression } from './ptsExpression.js';
import type { Scenario } from './scenarioSchema.js';
import { openTiffStack } from './tiffStackWriter.js';
import { makeDirs } from '../core/makeDirs.js';

export interface FrameSink {
  /** Relative paths (in the output folder) this sink produces. */
  readonly files: string[];
  write(data: Uint8Array | Uint16Array): Promise<void>;
  /** Flush and rename into place. */
  close(): Promise<void>;
  /** Stop and remove partial output. */
  abort(): Promise<void>;
}

export interface SinkOptions {
  outDir: string;
  scenario: Scenario;
  /** Per-frame timestamps [s]. */
  timesS: readonly number[];
  irregular: boolean;
}

/** The file name of the video / stack for a scenario's output settings. */
export function videoFileName(sc: Scenario): string {
  const o = sc.output;
  return o.format === 'tiff' ? `${o.basename}.tif` : o.format === 'png' ? o.basename : `${o.basename}.${o.format}`;
}

/** Open the sink for the scenario's output format. */
export function openFrameSink(opts: SinkOptions): FrameSink {
  const f = opts.scenario.output.format;
  if (f === 'tiff') return tiffSink(opts);
  if (f === 'png') return pngSink(opts);
  return ffmpegSink(opts);
}

function ffmpegSink({ outDir, scenario: sc, timesS, irregular }: SinkOptions): FrameSink {
  const { ffmpeg } = resolveFfmpeg();
  const o = sc.output;
  const name = videoFileName(sc);
  const finalPath = join(outDir, name);
  const tmpPath = tempPathFor(finalPath);
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${sc.frame.width_px}x${sc.frame.height_px}`];
  let scriptPath: string | null = null;
  const tb = sc.timing.time_base_hz;
  if (irregular) {
    // settb switches to the container time base; setpts places frame N at its true tick.
    const ticks = timesS.map((t) => Math.round(t * tb));
    scriptPath = join(tmpdir(), `lidtrack-setpts-${process.pid}-${Date.now()}.txt`);
    writeFileSync(scriptPath, `settb=1/${tb},setpts=${ptsExpression(ticks)}`);
    // The input rate stays nominal so packets get a nominal duration (the last frame too).
    args.push('-framerate', String(sc.timing.fps), '-i', 'pipe:0', '-filter_script:v', scriptPath, '-vsync', '0', '-enc_time_base', `1:${tb}`);
  } else {
    args.push('-framerate', String(sc.timing.fps), '-i', 'pipe:0');
    if (sc.timing.start_s > 0) args.push('-vf', `setpts=PTS+${sc.timing.start_s}/TB`, '-vsync', '0');
  }
  if (o.format === 'avi') {
    args.push('-c:v', 'mjpeg', '-q:v', String(o.mjpeg_q), '-pix_fmt', 'yuvj420p');
  } else {
    // The same bytes on every machine: x264 picks CPU-specific algorithms (not all bit-exact with
    // each other) and as many threads as the machine has cores, and both change the encoded frames.
    // A test scenario on the edge of what the tracker resolves (hard-all-bottom) went from no
    // spurious track to one between two machines of this project. cpu-independent and a fixed
    // thread count make a rendered video a function of the scenario alone.
    args.push('-c:v', 'libx264', '-preset', o.preset, '-crf', String(o.crf), '-pix_fmt', 'yuv420p', '-x264-params', 'cpu-independent=1:threads=2');
  }
  // ffmpeg 4.x gives the last VFR packet no duration; with B-frames the MP4 edit list then
  // hides that frame from readers. Without B-frames no edit list is needed: all frames stay.
  if (o.format === 'mp4' && irregular) args.push('-bf', '0', '-use_editlist', '0');
  if (o.format === 'mp4') args.push('-video_track_timescale', String(irregular ? tb : Math.max(1000, Math.round(sc.timing.fps * 1000))));
  args.push('-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact', '-f', o.format === 'mkv' ? 'matroska' : o.format, tmpPath);

  const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code) => resolve(code ?? -1));
    child.on('error', () => resolve(-1));
  });
  child.stdin.on('error', () => undefined); // reported through the exit code
  const cleanup = () => {
    if (scriptPath) rmSync(scriptPath, { force: true });
  };
  return {
    files: [name],
    async write(data) {
      const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      if (!child.stdin.write(buf)) {
        await new Promise<void>((resolve, reject) => {
          const onDrain = () => { child.off('close', onClose); resolve(); };
          const onClose = () => { child.stdin.off('drain', onDrain); reject(new VideoDecodeError(`ffmpeg stopped while encoding ${name}: ${stderr.trim().split('\n').pop() ?? ''}`, 'run `lidtrack doctor` to check the ffmpeg binary')); };
          child.stdin.once('drain', onDrain);
          child.once('close', onClose);
        });
      }
    },
    async close() {
      child.stdin.end();
      const code = await exited;
      cleanup();
      if (code !== 0) {
        rmSync(tmpPath, { force: true });
        throw new VideoDecodeError(`ffmpeg failed (exit ${code}) writing ${name}: ${stderr.trim().split('\n').pop() ?? ''}`, 'run `lidtrack doctor`; check output.format and frame size');
      }
      renameSync(tmpPath, finalPath);
    },
    async abort() {
      child.kill('SIGKILL');
      await exited;
      cleanup();
      rmSync(tmpPath, { force: true });
    },
  };
}

function tiffSink({ outDir, scenario: sc, timesS }: SinkOptions): FrameSink {
  const name = videoFileName(sc);
  const finalPath = join(outDir, name);
  const tmpPath = tempPathFor(finalPath);
  const w = openTiffStack(tmpPath, sc.frame.width_px, sc.frame.height_px, sc.output.bit_depth, sc.calibration.um_per_px, timesS.length);
  return {
    files: [name],
    async write(data) {
      w.writePage(data);
    },
    async close() {
      w.close();
      renameSync(tmpPath, finalPath);
    },
    async abort() {
      w.close();
      rmSync(tmpPath, { force: true });
    },
  };
}

function pngSink({ outDir, scenario: sc }: SinkOptions): FrameSink {
  const name = videoFileName(sc);
  const finalDir = join(outDir, name);
  const tmpDir = tempPathFor(finalDir);
  makeDirs(tmpDir);
  let i = 0;
  const { width_px: width, height_px: height } = sc.frame;
  return {
    files: [name],
    async write(data) {
      const file = join(tmpDir, `frame_${String(i).padStart(6, '0')}.png`);
      i += 1;
      // sharp would otherwise write sRGB: keep one gray channel at the rendered depth.
      const sharp = await loadSharp();
      const img = sharp(data, { raw: { width, height, channels: 1 } }).toColourspace(data instanceof Uint16Array ? 'grey16' : 'b-w');
      await img.png({ compressionLevel: 9 }).toFile(file);
    },
    async close() {
      rmSync(finalDir, { recursive: true, force: true });
      renameSync(tmpDir, finalDir);
    },
    async abort() {
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
}
