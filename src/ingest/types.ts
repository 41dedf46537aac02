/** Types of the ingest stage's public surface. */
import type { FrameSource, RoiPx, VideoInfo } from '../core/types.js';

/** How every frame's tS was obtained. */
export type TimestampSource =
  /** presentation timestamps of the container, relative to the first decoded frame */
  | 'container'
  /** the user's `--timestamps` CSV (frame,t_s), used as given */
  | 'timestamps-csv'
  /** index / `--fps` (only for sources without timestamps) */
  | 'fps'
  /** a raw stream without timestamps and no --fps: ffmpeg's times from the declared rate */
  | 'nominal-rate';

/** Options of openSource(); every field optional, validated at the entry. */
export interface OpenSourceOptions {
  /** CSV with columns frame,t_s: one row per frame, 0-based, strictly increasing t_s [s]. */
  timestampsCsv?: string;
  /** Frame rate [1/s] for sources without timestamps (TIFF stacks, image sequences, raw streams). */
  fps?: number;
  /** Crop every frame to this rectangle (pixels of the source frame). */
  roi?: RoiPx;
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Frames decoded ahead of the consumer (bounded queue); default up to 24 frames and 48 MiB, at least 4. */
  readAheadFrames?: number;
  /**
   * Limited-range video: deliver the luma as decoded (16–235) and give the map to full range as
   * `grayMap`, for a consumer that reads only part of each frame and applies the map there
   * (lidtrack track segments rectangles: ffmpeg's table pass over every pixel cost ≈ 2 ms of CPU
   * per 1080p frame). Other sources ignore it (grayMap null).
   */
  deferGrayMap?: boolean;
}

/** What happened during the most recent pass over a source (frames() iteration). */
export interface DecodeReport {
  /** Frames delivered to the consumer. */
  framesDecoded: number;
  /** Frames the source was expected to give (container count, pages, files; capped by maxFrames), null if unknown. */
  expectedFrames: number | null;
  /** True when the source ended before its expected end: truncated or corrupt file, decoder error. */
  endedEarly: boolean;
  /** Why it ended early, in one sentence (null when it did not). */
  endReason: string | null;
  /** tS of the last delivered frame [s]. */
  lastTS: number | null;
  /** Warnings and errors printed by the decoder (first 50, one line each). */
  decodeWarnings: string[];
  /** Total number of decoder warning/error lines (may exceed decodeWarnings.length). */
  decodeWarningCount: number;
  /** The consumer stopped iterating before the end (break): the decoder was stopped. */
  stoppedByConsumer: boolean;
  /** Most decoded frames ever waiting for the consumer at once (back-pressure bound: readAheadFrames, +1 for frames completed by the same pipe read). */
  maxBufferedFrames: number;
  /** True once the pass is over (end, error or break). */
  finished: boolean;
  /**
   * Video: how ffmpeg's output was read — 'in-place' (blocking reads straight into the shared
   * ring's slots, pipeReader.js: frames read in place) or 'stream' (decodeWorker.js: a Node stream
   * on a worker thread, for frames the consumer keeps or a Node that hides the pipe's descriptor).
   */
  reader?: 'in-place' | 'stream';
}

/** A FrameSource as opened by lidtrack, with provenance of its timestamps and a decode report. */
export interface IngestFrameSource extends FrameSource {
  info: VideoInfo;
  kind: 'video' | 'tiff-stack' | 'image-sequence';
  timestampSource: TimestampSource;
  /** Things the user should know that are not errors (e.g. "--fps ignored: the container has timestamps"). */
  warnings: string[];
  /** Report of the latest (or current) frames() pass; null before the first. */
  lastReport(): DecodeReport | null;
  /**
   * Video: resolves when `info` is complete — the probe's scan of the packets (frame count,
   * timestamp regularity, truncation) goes on while the frames are decoded (probeVideoStages).
   */
  settled?(): Promise<void>;
  /** Video: end that scan now (an interrupted run); `info` keeps what it had read. */
  stopScan?(): void;
  /**
   * With deferGrayMap: the 256-entry table from each delivered pixel to its full-range gray
   * (apply it to every pixel read); null when the frames are the final gray already.
   */
  grayMap: Uint8Array | null;
}
