/**
 * Value types shared between pipeline stages. Pixels and frames inside the pipeline,
 * micrometres and seconds at the calibration boundary (src/measure, src/report).
 */

/** Image edge on which the plating (negative, while current > 0) electrode lies. */
export type PlatingEdge = 'top' | 'bottom' | 'left' | 'right';
export const PLATING_EDGES: readonly PlatingEdge[] = ['top', 'bottom', 'left', 'right'];

/**
 * One decoded frame: 8-bit gray, row-major, `width*height` bytes.
 * Pixel (0,0) is the centre of the top-left pixel; x right, y down.
 */
export interface Frame {
  /** 0-based index of decoded frames in presentation order. */
  index: number;
  /** True presentation time [s] (container timestamp or user timestamps). */
  tS: number;
  width: number;
  height: number;
  /** Gray levels, length width*height. May be reused by the source after the consumer yields. */
  data: Uint8Array;
}

/** What is known about a recording before decoding it. */
export interface VideoInfo {
  path: string;
  /** container / source kind, e.g. "mov,mp4,m4a,3gp,3g2,mj2", "tiff-stack", "image-sequence" */
  format: string;
  codec: string;
  width: number;
  height: number;
  /** Nominal frame rate [1/s] as declared by the container (may be absent for TIFF). */
  nominalFps: number | null;
  /** Frame count if known without decoding (null if unknown). */
  frameCount: number | null;
  durationS: number | null;
  /** True when the container's frame timestamps are not evenly spaced (VFR, dropped frames). */
  irregularTimestamps: boolean | null;
  /** Bits per sample of the source before reduction to 8-bit gray. */
  bitDepth: number;
  /** How colour (if any) was reduced to gray. */
  grayConversion: string;
}

/** Options of {@link FrameSource.frames}. */
export interface FramesOptions {
  /**
   * A frame's `data` is the consumer's only until it asks for the next frame: then its memory
   * may go back to the decoder to be filled again (videos: a slot of a shared ring, read in place —
   * no 2 MB allocation per 1080p frame, no garbage-collector work for it) and is overwritten by a
   * later frame. A consumer that keeps data across frames copies it.
   * Sources that do not recycle ignore it.
   */
  reuseBuffers?: boolean;
}

/** A source of frames, streamed in presentation order with back-pressure. */
export interface FrameSource {
  info: VideoInfo;
  frames(opts?: FramesOptions): AsyncIterable<Frame>;
}

/** Physical calibration of a recording. */
export interface Calibration {
  umPerPx: number;
  platingEdge: PlatingEdge;
}

/** Axis-aligned region of interest in pixels. */
export interface RoiPx {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One row of inclusions.csv (SPEC.md; image coordinates in µm: x right, y down). */
export interface InclusionPoint {
  inclusionId: number;
  frame: number;
  tS: number;
  frontXUm: number;
  frontYUm: number;
  backXUm: number;
  backYUm: number;
  centroidXUm: number;
  centroidYUm: number;
  areaUm2: number;
}

/** Sample of a potentiostat log. */
export interface CurrentSample {
  tS: number;
  currentMA: number;
  voltageV?: number;
}
