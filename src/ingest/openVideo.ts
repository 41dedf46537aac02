/**
 * openVideo: frames of a video container streamed from an ffmpeg child process as full-range
 * 8-bit gray, each with its true presentation timestamp, in constant memory.
 *
 * Timestamps: ffmpeg runs the filter graph `…,split[out][ts]; [ts]crop=1:1,showinfo,nullsink`,
 * whose showinfo logs every frame's pts (in the filter time base, also logged) on stderr just
 * before the frame is handed to the raw-video output on stdout. With `-fps_mode passthrough` (`-vsync passthrough` on ffmpeg < 5.1) no
 * frame is duplicated or dropped after the filter, so the n-th showinfo line belongs to the
 * n-th frame on stdout; the two pipes are matched by count. This costs no second decode
 * (unlike a concurrent `ffprobe -show_frames`, which decodes the file again and can disagree
 * with ffmpeg about frames that fail to decode) and reports exactly the frames delivered.
 * tS = (pts − pts of the first delivered frame) × time base, i.e. the first frame is at 0 s.
 *
 * The child is spawned directly rather than through fluent-ffmpeg: fluent-ffmpeg reports an
 * error whenever ffmpeg is stopped by a signal (which is how we stop it when the consumer
 * breaks early), buffers stderr into its own line list for its progress parser (we need every
 * showinfo line, in order, as it arrives), and gives no hook for pausing stdout per frame.
 * The pipes are drained off the consumer's thread, so that decoding overlaps the consumer's
 * synchronous per-frame work: for frames read in place (reuseBuffers) a thread of blocking reads
 * puts ffmpeg's stdout straight into a ring of shared slots (pipeReader.js) and this thread reads
 * stderr; otherwise a worker thread spawns ffmpeg and reads both pipes as streams (decodeWorker.js).
 * Back-pressure: at most `readAheadFrames` decoded frames are in flight to the consumer (the
 * ring: readAheadFrames + 2 slots); then nothing reads stdout, the pipe fills and ffmpeg blocks —
 * memory does not grow with video length.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PACKAGE_ROOT } from '../core/packageRoot.js';
import type { Frame, FramesOptions, RoiPx } from '../core/types.js';
import { InputError, VideoDecodeError } from '../core/errors.js';
import { resolveFfmpeg } from './binaries.js';
import { checkRoi } from './checkRoi.js';
import { videoGrayPlan } from './grayConversion.js';
import { ffmpegCapabilities } from './ffmpegCapabilities.js';
import { parseDecoderProblem, parseShowinfoFrame, parseShowinfoTimeBase } from './ffmpegLog.js';
import { probeVideoStages, type ProbeResult } from './probeVideo.js';
import type { DecodeReport, IngestFrameSource, TimestampSource } from './types.js';

/** Options of openVideo(). */
export interface OpenVideoOptions {
  /** Crop every frame to this rectangle (done by ffmpeg, exact to the pixel). */
  roi?: RoiPx;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Decoded frames queued ahead of the consumer; default up to 24 frames and 48 MiB, at least 4 (DEFAULT_READ_AHEAD_FRAMES). */
  readAheadFrames?: number;
  /**
   * Frame rate [1/s] used ONLY when the container has no timestamps (raw H.264/MJPEG/y4m
   * streams); otherwise ignored with a warning.
   */
  fps?: number;
  /** Per-frame times [s] from the user's timestamps CSV; override the container's. */
  timestampsS?: readonly number[];
  /** Leave the limited-range table to the consumer (OpenSourceOptions.deferGrayMap). */
  deferGrayMap?: boolean;
}

/** A video source: IngestFrameSource whose info is the full probe result. */
export interface VideoFrameSource extends IngestFrameSource {
  info: ProbeResult;
  /** The ffmpeg arguments of a decode pass (for provenance and debugging). */
  ffmpegArgs: string[];
}

const MAX_KEPT_WARNINGS = 50;
/** Upper bound of the bytes of decoded frames queued ahead of the consumer. */
export const READ_AHEAD_MAX_BYTES = 64 * 1024 * 1024;
/**
 * Default queue: up to 24 frames and 48 MiB (1080p: 24 frames, 4K: 6), at least 4. A deep queue
 * lets ffmpeg decode while the consumer does not ask (the reference build at the start, bursts of
 * analysis): with 4 frames, a 1080p `lidtrack track` on 2 cores waited 2.7–3.5 ms/frame for frames,
 * with 24 frames 0.7–2.3, and ran ≈ 6–10 % faster (250-frame bench file), for ≈ 35 MB more RSS.
 */
export const DEFAULT_READ_AHEAD_FRAMES = 24;
export const DEFAULT_READ_AHEAD_BYTES = 48 * 1024 * 1024;

/**
 * ffmpeg's decoder threads. One on a single core. For frames of at least
 * MANY_DECODER_THREADS_MIN_PIXELS (720p and larger) on more cores, at least
 * MIN_DECODER_THREADS frame threads (ffmpeg's own choice, cores + 1, when that is more);
 * for smaller frames ffmpeg's own choice. The environment's LIDTRACK_DECODE_THREADS = N
 * overrides all of this.
 *
 * Why more threads than ffmpeg's choice on few cores: with frame threading each thread decodes
 * one frame and waits on the rows of the frame before it that it references, and ffmpeg's own
 * thread (filtering, the 2 MB write of each frame into the pipe, blocked while lidtrack's reader
 * has not drained it) hands out the next packet only after the previous frame is out. With
 * 3 threads on 2 cores these waits leave a core idle 10–15 % of the time in steady state
 * (/proc/stat sampled every 100 ms during a 250-frame 1080p run); with more frames in flight
 * another thread has work then. Interleaved runs of `lidtrack track` on 2 cores, 6 threads
 * against ffmpeg's 3: 250-frame 1080p bench file −0.08 and −0.10 s wall (median of 10 and 8
 * pairs, faster in 9/10 and 8/8 pairs), 1500 frames −0.22 s (5/5), 250-frame 720p −0.045 s
 * (median of 8 rounds); 8 and 12 threads within noise of 6, 4 and 5 between 3 and 6. At 320×240
 * 6 threads were 15 ms slower (thread start-up, no gain), hence the frame-size floor. Each frame
 * thread holds its own frames: ffmpeg's peak RSS at 1080p 53 MB with 3 threads, 70 MB with 6
 * (a fixed amount, not growing with the video). ffmpeg's decode-only (`ffmpeg -i F -f null -`,
 * the reference of the speed bench) is also faster with 6 threads than with its own choice on
 * 2 cores (1.00–1.07 s against 1.21–1.25 s for the 250-frame file): the bench shows that
 * harder reference beside the figure. The frames are the same: H.264 decoding is bit-exact with
 * any number of threads (test/ingest/decoderThreads.test.ts).
 */
export const MIN_DECODER_THREADS = 6;
/** Frame size [pixels] from which MIN_DECODER_THREADS applies (1280 × 720 = 921 600; 640 × 480 = 307 200 does not). */
export const MANY_DECODER_THREADS_MIN_PIXELS = 500_000;

export function decoderThreadArgs(
  env = process.env.LIDTRACK_DECODE_THREADS, cores = availableParallelism(), framePixels: number,
): string[] {
  if (env !== undefined && /^\d+$/.test(env)) return ['-threads', env];
  if (cores <= 1) return ['-threads', '1'];
  if (framePixels >= MANY_DECODER_THREADS_MIN_PIXELS) return ['-threads', String(Math.min(16, Math.max(cores + 1, MIN_DECODER_THREADS)))];
  return [];
}

/**
 * Open a video container for streaming. Probes it first (errors for missing / non-video /
 * audio-only / empty files are thrown here). Each call of frames() starts a new decode; the
 * ffmpeg process starts at the first next() and is killed and reaped when the iteration ends,
 * fails, or is left with break/return/throw (for-await does this). An iterator that is simply
 * dropped without return() keeps its ffmpeg blocked until the Node process exits.
 * @throws InputError for a bad ROI; VideoDecodeError (from probeVideo) for unreadable files
 */
export async function openVideo(path: string, opts: OpenVideoOptions = {}): Promise<VideoFrameSource> {
  // What the installed ffmpeg can do is asked while the file is probed (a probe error comes
  // first). The probe's ffprobes are spawned first: its first stage (≈ 50 ms) sets when decoding
  // can start, and each spawn holds this thread for a few ms. Decoding waits for that first stage
  // only, not for the scan of every packet (probeVideoStages).
  const probing = probeVideoStages(path);
  probing.catch(() => undefined); // awaited below
  const capsAsked = ffmpegCapabilities();
  capsAsked.catch(() => undefined);
  const { first: probe, full: fullProbe, stopScan } = await probing;
  const caps = await capsAsked;
  const roi = opts.roi ? checkRoi(opts.roi, probe.width, probe.height, path) : null;
  const width = roi ? roi.width : probe.width;
  const height = roi ? roi.height : probe.height;
  // Queue at most readAheadFrames frames and at most READ_AHEAD_MAX_BYTES of them, so that
  // huge frames (e.g. 8192×8192) still stream in bounded memory.
  const frameBytes = width * height;
  const wanted = opts.readAheadFrames ?? Math.max(4, Math.min(DEFAULT_READ_AHEAD_FRAMES, Math.floor(DEFAULT_READ_AHEAD_BYTES / frameBytes)));
  const readAhead = Math.max(1, Math.min(Math.floor(wanted), Math.floor(READ_AHEAD_MAX_BYTES / frameBytes)));
  const warnings: string[] = [];

  let timestampSource: TimestampSource;
  if (opts.timestampsS) {
    timestampSource = 'timestamps-csv';
    warnings.push(`frame times come from the timestamps CSV, not from the container's timestamps`);
    if (opts.fps !== undefined) warnings.push('--fps ignored: the timestamps CSV gives the frame times');
  } else if (!probe.hasTimestamps && opts.fps !== undefined) {
    timestampSource = 'fps';
    warnings.push(`${probe.format} stream has no timestamps: frame times are index / ${opts.fps} fps (--fps)`);
  } else if (!probe.hasTimestamps) {
    timestampSource = 'nominal-rate';
    warnings.push(
      `${probe.format} stream has no timestamps: frame times follow its declared rate (${probe.nominalFps ?? 'unknown'} fps); pass --fps N if that is not the acquisition rate`,
    );
  } else {
    timestampSource = 'container';
    if (opts.fps !== undefined) warnings.push(`--fps ${opts.fps} ignored: ${path} has its own frame timestamps`);
  }
  if (opts.timestampsS && probe.frameCount !== null && probe.frameCountSource === 'container') {
    const need = Math.min(probe.frameCount, opts.maxFrames ?? Infinity);
    if (opts.timestampsS.length < need) {
      throw new InputError(
        `timestamps CSV has ${opts.timestampsS.length} rows but ${path} has ${probe.frameCount} frames`,
        'give one row frame,t_s for every frame (0-based frame numbers)',
      );
    }
  }

  const gray = videoGrayPlan(probe.pixFmt, probe.colorRange, opts.deferGrayMap === true);
  const vf = [...gray.filters];
  if (roi) vf.push(`crop=${roi.width}:${roi.height}:${roi.x}:${roi.y}:exact=1`);
  // showinfo logs each frame's pts from a branch of the graph that carries a 1 × 1 crop of the
  // frame (a crop copies no pixels): on the frame itself it also checksummed every pixel — ffmpeg
  // before 5.1 has no checksum=0 —, ≈ 2 ms of CPU per 1080p frame. split hands each frame to the
  // output branch and then to this one within the same call, so the line is still logged before
  // the frame is written out, and frames and lines still pair by count.
  const graph = `[0:${probe.streamIndex}]${vf.join(',')},split=2[out][ts];[ts]crop=1:1:0:0,${caps.showinfoFilter},nullsink`;
  const args = [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+info',
    ...decoderThreadArgs(undefined, undefined, probe.width * probe.height),
    ...gray.decoderArgs,
    '-i', path,
    '-filter_complex', graph, '-map', '[out]', '-an', '-sn', '-dn',
    ...caps.passthroughArgs,
    ...(opts.maxFrames !== undefined ? ['-frames:v', String(opts.maxFrames)] : []),
    // each frame in one write(2) instead of 32 KiB pieces (ffmpeg's I/O buffer): 1 call per frame
    // instead of ≈ 64 at 1080p; ffmpeg's CPU on the 250-frame 1080p bench file −0.13 s (4
    // interleaved pairs, 2.22 against 2.35 s). An option of every ffmpeg since 1.0.
    '-avioflags', 'direct',
    '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1',
  ];
  const expectedOf = (p: ProbeResult) => (p.frameCount !== null ? Math.min(p.frameCount, opts.maxFrames ?? Infinity) : null);
  const intervalOf = (p: ProbeResult) => p.timestampCheck?.medianIntervalS ?? (p.nominalFps ? 1 / p.nominalFps : 0.04);
  let report: DecodeReport | null = null;
  const info: ProbeResult = roi ? { ...probe, width, height } : { ...probe };
  // The packet scan's counts and checks, once it is done (decoding does not wait for it): into
  // info, and into each pass's end-of-stream checks (decodePass awaits it there).
  const probed = fullProbe.then(
    (f) => {
      info.frameCount = f.frameCount;
      info.frameCountSource = f.frameCountSource;
      info.irregularTimestamps = f.irregularTimestamps;
      info.timestampCheck = f.timestampCheck;
      info.possiblyTruncated = f.possiblyTruncated;
      return { expectedFrames: expectedOf(f), frameIntervalS: intervalOf(f) };
    },
    // (a scan that failed: what the first stage read stands)
    () => ({ expectedFrames: expectedOf(probe), frameIntervalS: intervalOf(probe) }),
  );

  return {
    info,
    kind: 'video',
    grayMap: gray.map,
    timestampSource,
    warnings,
    ffmpegArgs: args,
    lastReport: () => report,
    settled: async () => void (await probed),
    stopScan,
    frames(fo: FramesOptions = {}): AsyncIterable<Frame> {
      return {
        [Symbol.asyncIterator]: () => {
          report = {
            framesDecoded: 0,
            expectedFrames: expectedOf(probe),
            endedEarly: false,
            endReason: null,
            lastTS: null,
            decodeWarnings: [],
            decodeWarningCount: 0,
            stoppedByConsumer: false,
            maxBufferedFrames: 0,
            finished: false,
          };
          return decodePass(resolveFfmpeg().ffmpeg.path, args, {
            path,
            width,
            height,
            readAhead,
            report,
            timestampSource,
            fps: opts.fps ?? probe.nominalFps,
            timestampsS: opts.timestampsS,
            maxFrames: opts.maxFrames,
            durationS: probe.durationS,
            probed: () => probed,
            reuseBuffers: fo.reuseBuffers ?? false,
          });
        },
      };
    },
  };
}

interface PassConfig {
  path: string;
  width: number;
  height: number;
  readAhead: number;
  report: DecodeReport;
  timestampSource: TimestampSource;
  fps: number | null;
  timestampsS?: readonly number[];
  maxFrames?: number;
  /** Stream duration [s] from the container, for truncation detection. */
  durationS: number | null;
  /** The probe's frame count (min with maxFrames) and typical frame interval [s], once its packet scan is done. */
  probed: () => Promise<{ expectedFrames: number | null; frameIntervalS: number }>;
  /** Hand each frame's buffer back to the decode thread when the next frame is asked for (FramesOptions). */
  reuseBuffers: boolean;
}

/** One decode pass: an async generator over frames that owns (and always reaps) its ffmpeg. */
async function* decodePass(ffmpegPath: string, args: string[], cfg: PassConfig): AsyncGenerator<Frame> {
  const { report } = cfg;
  const frameBytes = cfg.width * cfg.height;
  // A consumer that is done with each frame when it asks for the next (reuseBuffers) reads the
  // frames in place from a ring of shared slots the decode thread fills: no buffer changes thread
  // per frame. (Transferred buffers were new external memory to this thread's heap each time,
  // and with a deep queue that brought 3× the full garbage collections: 12 instead of 4 in a
  // 250-frame 1080p run.) Slots: the queue, the frame the consumer holds, the one being filled.
  const ring = cfg.reuseBuffers ? new SharedArrayBuffer(frameBytes * (cfg.readAhead + 2)) : null;
  const rawFrames: Uint8Array[] = [];
  const pts: Array<{ pts: number | null; ptsTimeS: number | null }> = [];
  let timeBase: [number, number] | null = null;
  let partialLen = 0;
  let exited = false;
  let exitCode: number | null = null;
  let exitSignal: NodeJS.Signals | null = null;
  let spawnError: Error | null = null;
  let lastErrorLine: string | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  let onStderr: (s: string) => void = () => undefined;
  let feed!: FrameFeed;
  const exitedPromise = new Promise<void>((resolve) => {
    const events: FeedEvents = {
      frame: (data) => {
        rawFrames.push(data);
        if (rawFrames.length > report.maxBufferedFrames) report.maxBufferedFrames = rawFrames.length;
        notify();
      },
      stderr: (text) => {
        onStderr(text);
        notify();
      },
      error: (e) => {
        spawnError ??= e;
        notify();
      },
      closed: (code, signal, partial) => {
        if (exited) return;
        partialLen = partial;
        exited = true;
        exitCode = code;
        exitSignal = signal;
        notify();
        resolve();
      },
    };
    const inPlace = ring ? startPipeFeed(ffmpegPath, args, frameBytes, ring, events) : null;
    feed = inPlace ?? startWorkerFeed(ffmpegPath, args, frameBytes, cfg.readAhead, ring, events);
    report.reader = inPlace ? 'in-place' : 'stream';
  });

  let stderrRest = '';
  const onLine = (line: string) => {
    const f = parseShowinfoFrame(line);
    if (f) {
      pts.push({ pts: f.pts, ptsTimeS: f.ptsTimeS });
      return;
    }
    const tb = parseShowinfoTimeBase(line);
    if (tb) {
      timeBase = tb;
      return;
    }
    const problem = parseDecoderProblem(line);
    if (problem) {
      report.decodeWarningCount++;
      lastErrorLine = problem;
      if (report.decodeWarnings.length < MAX_KEPT_WARNINGS) report.decodeWarnings.push(problem);
    }
  };
  onStderr = (s: string) => {
    const parts = (stderrRest + s).split(/\r?\n|\r/);
    stderrRest = parts.pop() ?? '';
    for (const l of parts) onLine(l);
  };

  let first: { pts: number | null; ptsTimeS: number | null } | null = null;
  let index = 0;
  let completed = false;
  let nonMonotonic = 0;
  let prevT = -Infinity;
  try {
    for (;;) {
      if (spawnError) throw new VideoDecodeError(`cannot start ffmpeg (${ffmpegPath}): ${(spawnError as Error).message}`, 'run `lidtrack doctor`');
      if (rawFrames.length > 0 && pts.length > 0) {
        const data = rawFrames.shift() as Uint8Array;
        const p = pts.shift() as { pts: number | null; ptsTimeS: number | null };
        const inRing = ring !== null && data.buffer === ring;
        // (a ring frame is handed back when the consumer is done with it)
        if (!inRing) feed.taken();
        if (first === null) first = p;
        const tS = frameTime(cfg, index, p, timeBase, first);
        if (tS <= prevT) nonMonotonic++;
        prevT = tS;
        report.framesDecoded = index + 1;
        report.lastTS = tS;
        yield { index, tS, width: cfg.width, height: cfg.height, data };
        // the consumer asked for the next frame: with reuseBuffers it is done with this one
        if (inRing && !exited) feed.done(data.byteOffset / frameBytes);
        index++;
        continue;
      }
      if (exited) {
        if (stderrRest) onLine(stderrRest);
        stderrRest = '';
        if (rawFrames.length > 0 && pts.length > 0) continue;
        break;
      }
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    // The process is gone and every complete frame was delivered.
    if (rawFrames.length > 0) {
      throw new VideoDecodeError(
        `ffmpeg delivered ${rawFrames.length} frame(s) of ${cfg.path} without a timestamp line`,
        'this ffmpeg build logs frames in an unexpected format; run `lidtrack doctor` and report it',
      );
    }
    const signalled = exitSignal !== null;
    const failed = signalled || (exitCode !== null && exitCode !== 0);
    if (index === 0) {
      throw new VideoDecodeError(
        `no frame of ${cfg.path} could be decoded${lastErrorLine ? ` (ffmpeg: ${lastErrorLine})` : ''}`,
        'the file is damaged or uses an unsupported codec; check it with `lidtrack probe` or re-export it as MP4 (H.264) or AVI (MJPEG)',
      );
    }
    const reasons: string[] = [];
    if (failed) reasons.push(`ffmpeg stopped with ${signalled ? `signal ${exitSignal}` : `exit code ${exitCode}`}${lastErrorLine ? ` (${lastErrorLine})` : ''}`);
    // Container counts and durations can exceed what a healthy file decodes to by a frame or
    // so (MP4 edit lists), so "early" means: the decode stopped more than 2.5 frame intervals
    // before the stream's stated end — not merely a count mismatch.
    const hitMaxFrames = cfg.maxFrames !== undefined && index >= cfg.maxFrames;
    const { expectedFrames, frameIntervalS } = await cfg.probed();
    report.expectedFrames = expectedFrames;
    if (!hitMaxFrames && cfg.durationS !== null && cfg.timestampSource === 'container') {
      const missingS = cfg.durationS - prevT;
      if (missingS > 2.5 * frameIntervalS) {
        const listed = report.expectedFrames !== null && index < report.expectedFrames ? ` of the ${report.expectedFrames} frames the container lists` : '';
        reasons.push(
          `decoding stopped at frame #${index - 1} (t = ${prevT.toFixed(3)} s), ${missingS.toFixed(3)} s before the stream's stated end (${cfg.durationS.toFixed(3)} s); ${index} frames${listed} were decoded`,
        );
      }
    }
    if (partialLen > 0) reasons.push(`a final incomplete frame (${partialLen} of ${frameBytes} bytes) was discarded`);
    if (reasons.length > 0) {
      report.endedEarly = true;
      report.endReason = reasons.join('; ');
    }
    if (nonMonotonic > 0) {
      report.decodeWarnings.push(`${nonMonotonic} frame(s) have a timestamp not later than the previous frame`);
      report.decodeWarningCount++;
    }
    completed = true;
  } finally {
    if (!completed && !exited) report.stoppedByConsumer = true;
    if (!exited) {
      // Consumer stopped early (break / throw) or we failed: stop ffmpeg now and reap it, so
      // no process outlives the iteration.
      feed.kill();
      await exitedPromise;
    }
    report.finished = true;
    await feed.dispose();
  }
}

/** What a frame feed tells decodePass. */
interface FeedEvents {
  /** A complete frame (a ring slot's view, or a buffer of its own). */
  frame(data: Uint8Array): void;
  /** Text from ffmpeg's stderr, in order. */
  stderr(text: string): void;
  /** ffmpeg could not be started, or the feed failed. */
  error(e: Error): void;
  /** ffmpeg is gone and every complete frame was told; `partialLen` bytes of an incomplete one were left. */
  closed(code: number | null, signal: NodeJS.Signals | null, partialLen: number): void;
}

/** ffmpeg's frames, however they reach this thread. */
interface FrameFeed {
  /** A frame of its own buffer was taken by decodePass: credit for one more. */
  taken(): void;
  /** The consumer is done with the frame in ring slot `slot`. */
  done(slot: number): void;
  /** The consumer stopped: stop ffmpeg (closed() follows). */
  kill(): void;
  /** After closed(): release the threads. */
  dispose(): Promise<void>;
}

/**
 * ffmpeg spawned here, its stderr read by this thread (the showinfo lines), its stdout read by a
 * thread of blocking reads straight into the ring's slots (pipeReader.js). Null when this Node
 * does not expose the pipe's descriptor or cannot make it blocking (then decodeWorker.js does it
 * all), or when ffmpeg could not be started (decodeWorker.js then reports that the usual way).
 */
function startPipeFeed(ffmpegPath: string, args: string[], frameBytes: number, ring: SharedArrayBuffer, ev: FeedEvents): FrameFeed | null {
  // own process group: a terminal's Ctrl-C reaches lidtrack, which stops the decoder itself
  let child: ChildProcess;
  try {
    child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } catch {
    return null;
  }
  // A net.Socket starts reading its pipe at construction (the first read happens in the event
  // loop, after this function): stop that before any byte is taken, the reader thread reads it all.
  const handle = (child.stdout as unknown as { _handle?: { fd?: unknown; setBlocking?: (b: boolean) => number; readStop?: () => number } } | null)?._handle;
  const fd = handle?.fd;
  if (
    child.pid === undefined || typeof fd !== 'number' || fd < 0 || typeof handle?.setBlocking !== 'function' || typeof handle.readStop !== 'function'
    || (child.stdout!.pause(), handle.readStop()) !== 0 || handle.setBlocking(true) !== 0
  ) {
    child.on('error', () => undefined);
    child.kill('SIGKILL');
    return null;
  }
  // process.exit() (a second Ctrl-C) stops the threads and waits for each: a reader blocked in
  // read(2) stops only at the end of the pipe, and with nothing reading its stderr any more ffmpeg
  // would block too — both forever. Killing ffmpeg on the way out ends the pipe.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const reader = new Worker(join(PACKAGE_ROOT, 'src/ingest/pipeReader.js'), { workerData: { fd, ring, frameBytes, ctrl } });
  let readerEnded = false;
  let partialLen = 0;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const finish = () => {
    if (!readerEnded || !exit) return;
    process.off('exit', killOnExit);
    ev.closed(exit.code, exit.signal, partialLen);
  };
  const endReader = (partial: number) => {
    if (readerEnded) return;
    readerEnded = true;
    partialLen = partial;
    // the descriptor is closed only now: no thread reads it any more
    child.stdout?.destroy();
    finish();
  };
  reader.on('message', (m: { type: 'frame'; slot: number } | { type: 'end'; partialLen: number; error: string | null }) => {
    if (m.type === 'frame') ev.frame(new Uint8Array(ring, m.slot * frameBytes, frameBytes));
    else {
      if (m.error) ev.error(new Error(`reading ffmpeg's output: ${m.error}`));
      endReader(m.partialLen);
    }
  });
  reader.on('error', (e) => {
    ev.error(e);
    child.kill('SIGKILL');
    endReader(0);
  });
  child.on('error', (e) => ev.error(e));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => ev.stderr(text));
  // 'close': the process exited and its stderr is read to the end (stdout: destroyed by endReader)
  child.on('close', (code, signal) => {
    exit = { code, signal };
    finish();
  });
  const stopReader = () => {
    Atomics.store(ctrl, 1, 1);
    Atomics.notify(ctrl, 0); // (the reader waits on ctrl[0] and reads ctrl[1] when woken)
  };
  return {
    taken: () => undefined,
    done: () => {
      Atomics.add(ctrl, 0, 1);
      Atomics.notify(ctrl, 0);
    },
    kill: () => {
      stopReader();
      child.kill('SIGKILL');
    },
    dispose: async () => {
      await reader.terminate();
    },
  };
}

/** ffmpeg spawned and both its pipes read by a worker thread (decodeWorker.js). */
function startWorkerFeed(ffmpegPath: string, args: string[], frameBytes: number, readAhead: number, ring: SharedArrayBuffer | null, ev: FeedEvents): FrameFeed {
  const worker = new Worker(join(PACKAGE_ROOT, 'src/ingest/decodeWorker.js'), {
    workerData: { ffmpegPath, args, frameBytes, readAhead, ring },
  });
  let code: number | null = null;
  let signal: NodeJS.Signals | null = null;
  worker.on('message', (m: WorkerMessage) => {
    if (m.type === 'frame') ev.frame(m.buf ? new Uint8Array(m.buf) : new Uint8Array(ring!, m.slot! * frameBytes, frameBytes));
    else if (m.type === 'stderr') ev.stderr(m.text);
    else if (m.type === 'error') ev.error(new Error(m.message));
    else if (m.type === 'close') {
      code = m.code;
      signal = m.signal;
      ev.closed(m.code, m.signal, m.partialLen);
    }
  });
  worker.on('error', (e) => {
    ev.error(e);
    ev.closed(null, null, 0);
  });
  worker.on('exit', () => ev.closed(code, signal, 0));
  return {
    taken: () => worker.postMessage({ type: 'ack' }),
    // (one message, not two: each wakes the decode thread)
    done: (slot) => worker.postMessage({ type: 'ack', slot }),
    kill: () => worker.postMessage({ type: 'kill' }),
    dispose: async () => {
      await worker.terminate();
    },
  };
}

type WorkerMessage =
  /** A frame: its buffer (transferred), or its slot in the shared ring. */
  | { type: 'frame'; buf?: ArrayBuffer; slot?: number }
  | { type: 'stderr'; text: string }
  | { type: 'error'; message: string }
  | { type: 'close'; code: number | null; signal: NodeJS.Signals | null; partialLen: number };

/** tS of frame `index` under the source's timestamp policy (see TimestampSource). */
function frameTime(
  cfg: PassConfig,
  index: number,
  p: { pts: number | null; ptsTimeS: number | null },
  timeBase: [number, number] | null,
  first: { pts: number | null; ptsTimeS: number | null },
): number {
  if (cfg.timestampSource === 'timestamps-csv') {
    const t = cfg.timestampsS?.[index];
    if (t === undefined) {
      throw new InputError(
        `timestamps CSV has ${cfg.timestampsS?.length ?? 0} rows but ${cfg.path} has more frames (frame ${index} has no time)`,
        'give one row frame,t_s for every frame (0-based frame numbers)',
      );
    }
    return t;
  }
  if (cfg.timestampSource === 'fps' || p.pts === null) {
    if (!cfg.fps) {
      throw new VideoDecodeError(`frame ${index} of ${cfg.path} has no timestamp and the stream declares no frame rate`, 'pass --fps N (frames per second of the acquisition)');
    }
    return index / cfg.fps;
  }
  const firstPts = first.pts ?? p.pts;
  if (timeBase) return ((p.pts - firstPts) * timeBase[0]) / timeBase[1];
  // No time base line (unexpected ffmpeg build): fall back to pts_time (6 significant digits).
  return (p.ptsTimeS ?? 0) - (first.ptsTimeS ?? 0);
}
