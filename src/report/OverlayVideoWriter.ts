/**
 * The overlay video of a run: every frame with the key-frame annotations (contours, tips and
 * ids, scale bar, time) encoded to H.264 MP4 through an ffmpeg pipe while the tracker streams.
 * Frames are encoded at a constant playback rate (the burned-in time is the true time); the
 * file is written under a temporary name and renamed on close, so an interrupted run never
 * leaves an MP4 that looks complete.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { VideoDecodeError } from '../core/errors.js';
import { InputError } from '../core/errors.js';
import { resolveFfmpeg } from '../ingest/binaries.js';
import { tempPathFor } from './atomic.js';
import { annotatedFrameSize, renderAnnotatedFrameRgb, type GrayImage, type KeyFrameAnnotations, type KeyFramePanelOptions } from './renderKeyFramePanel.js';

/** Options of {@link OverlayVideoWriter}. */
export interface OverlayVideoOptions {
  /** Playback rate [frames/s] (e.g. the recording's nominal rate), > 0. */
  fps: number;
  /** x264 constant rate factor (default 20: visually lossless for annotations). */
  crf?: number;
  /** x264 preset (default "veryfast": the overlay must not slow tracking down). */
  preset?: string;
}

/** Frames drawn at once (ahead of the one being written). */
const RENDER_AHEAD = 3;

/** Streams annotated frames into an H.264 MP4. */
export class OverlayVideoWriter {
  private child: ChildProcessWithoutNullStreams | null = null;
  private exited: Promise<number> | null = null;
  private stderr = '';
  private size: { width: number; height: number } | null = null;
  private readonly tmpPath: string;
  private frames = 0;
  /** The last frame's write (frames are written in order, each after the one before). */
  private writing: Promise<void> = Promise.resolve();
  private pending: Array<Promise<void>> = [];
  /** Size of the first frame added. */
  private frameSize: { width: number; height: number } | null = null;

  /**
   * @param path output .mp4 path
   * @param opts playback rate and encoder settings
   */
  constructor(
    readonly path: string,
    private readonly opts: OverlayVideoOptions,
  ) {
    if (!(opts.fps > 0) || !Number.isFinite(opts.fps)) throw new InputError(`overlay video fps must be > 0, got ${opts.fps}`, 'pass the recording\'s frame rate');
    this.tmpPath = tempPathFor(path);
  }

  /** Frames written so far. */
  get frameCount(): number {
    return this.frames;
  }

  private start(width: number, height: number): void {
    const { ffmpeg } = resolveFfmpeg();
    const args = [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(this.opts.fps), '-i', 'pipe:0',
      // yuv420p needs even sizes: pad odd panels by one black pixel.
      '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2',
      '-c:v', 'libx264', '-preset', this.opts.preset ?? 'veryfast', '-crf', String(this.opts.crf ?? 20), '-pix_fmt', 'yuv420p',
      '-movflags', '+faststart', '-f', 'mp4', this.tmpPath,
    ];
    const child = spawn(ffmpeg.path, args, { stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as ChildProcessWithoutNullStreams;
    child.stderr.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.stdin.on('error', () => undefined); // reported through the exit code
    this.exited = new Promise<number>((resolve) => {
      child.on('close', (code) => resolve(code ?? -1));
      child.on('error', () => resolve(-1));
    });
    this.child = child;
    this.size = { width, height };
  }

  private lastError(): string {
    return this.stderr.trim().split('\n').pop() ?? '';
  }

  /**
   * Annotate one frame (same drawing as {@link renderKeyFramePanel}) and encode it. Up to
   * RENDER_AHEAD frames are drawn at once (sharp's threads; a 1080p frame takes tens of ms) and
   * written in order; it waits for the oldest when more are pending, and for the encoder when its
   * pipe is full (back-pressure), so memory stays flat. `frame.data` must not be reused by the
   * caller until close() (each decoded frame has its own buffer).
   */
  async add(frame: GrayImage, annotations: KeyFrameAnnotations, opts: KeyFramePanelOptions): Promise<void> {
    // every frame the size of the first (checked before drawing: errors belong to this call)
    const want = annotatedFrameSize(frame, annotations, opts);
    this.frameSize ??= want;
    if (want.width !== this.frameSize.width || want.height !== this.frameSize.height) {
      throw new InputError(`overlay frame is ${want.width}x${want.height}, the video is ${this.frameSize.width}x${this.frameSize.height}`, 'keep the ROI and scale fixed for the whole run');
    }
    const rendering = renderAnnotatedFrameRgb(frame, annotations, opts);
    rendering.catch(() => undefined); // surfaces through the write chain
    const written = this.writing.then(async () => this.write(await rendering));
    written.catch(() => undefined); // (awaited below or by close/abort; never unhandled)
    this.writing = written;
    this.pending.push(written);
    while (this.pending.length > RENDER_AHEAD) await this.pending.shift();
  }

  /** Encode one rendered frame (in order: called through the write chain). */
  private async write(rgb: { width: number; height: number; data: Buffer }): Promise<void> {
    if (!this.child) this.start(rgb.width, rgb.height);
    const size = this.size as { width: number; height: number };
    if (rgb.width !== size.width || rgb.height !== size.height) {
      throw new InputError(`overlay frame is ${rgb.width}x${rgb.height}, the video is ${size.width}x${size.height}`, 'keep the ROI and scale fixed for the whole run');
    }
    const child = this.child as ChildProcessWithoutNullStreams;
    if (!child.stdin.write(rgb.data)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          child.off('close', onClose);
          resolve();
        };
        const onClose = (): void => {
          child.stdin.off('drain', onDrain);
          reject(new VideoDecodeError(`ffmpeg stopped while encoding the overlay video: ${this.lastError()}`, 'run `lidtrack doctor` to check the ffmpeg binary'));
        };
        child.stdin.once('drain', onDrain);
        child.once('close', onClose);
      });
    }
    this.frames++;
  }

  /** Finish encoding and move the MP4 into place. @returns the output path */
  async close(): Promise<string> {
    await this.writing;
    this.pending = [];
    if (!this.child || !this.exited) throw new InputError('the overlay video has no frames', 'add at least one frame before close()');
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) {
      rmSync(this.tmpPath, { force: true });
      throw new VideoDecodeError(`ffmpeg failed (exit ${code}) writing ${this.path}: ${this.lastError()}`, 'run `lidtrack doctor` to check the ffmpeg binary (libx264 is needed)');
    }
    renameSync(this.tmpPath, this.path);
    return this.path;
  }

  /** Stop and remove the partial output. */
  async abort(): Promise<void> {
    await this.writing.catch(() => undefined);
    this.pending = [];
    if (this.child && this.exited) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.tmpPath, { force: true });
  }
}
