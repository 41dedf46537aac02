/**
 * Streaming stage-drift and flicker correction of a recording against one reference frame.
 * Reports the raw per-frame estimate (no smoothing: jitter is real motion of the image), but
 * guards against failures: when a frame's phase-correlation peak is not significant (peakZ
 * below `minPeakZ`, or peak below `minPeak`: frame blank, out of focus, a huge change) or the
 * estimate jumps by more than `maxJumpPx` from the
 * previous frame's, the previous estimate is reused and the sample is flagged unreliable.
 */
import { estimateGain } from './estimateGain.js';
import type { GrayImage } from './imageOps.js';
import { ShiftEstimator, type ShiftOptions } from './ShiftEstimator.js';
import { shiftImage } from './shiftImage.js';

/** Options of DriftTracker (ShiftOptions plus the guards). */
export interface DriftTrackerOptions extends ShiftOptions {
  /**
   * Peak significance (ShiftEstimate.peakZ) below which an estimate is not trusted. Default 6:
   * unrelated images give 3.5–4.5, weakly textured real scenes ≥ 12.
   */
  minPeakZ?: number;
  /** Phase-correlation peak height below which an estimate is not trusted (0…1). Default 0. */
  minPeak?: number;
  /** Largest believable change of drift between consecutive frames [px]. Default Infinity. */
  maxJumpPx?: number;
  /** Divide the registered frame by the estimated gain (flicker correction). Default true. */
  normalizeGain?: boolean;
}

/** Drift, gain and quality of one frame. */
export interface DriftSample {
  index: number;
  /** Frame time [s] (NaN if not given). */
  tS: number;
  /** frame(x, y) ≈ reference(x − dxPx, y − dyPx) [px]. */
  dxPx: number;
  dyPx: number;
  /** Phase-correlation peak height (0…1). */
  peak: number;
  /** Peak significance (peak / RMS of the correlation surface). */
  peakZ: number;
  /** Illumination gain frame/reference after registration (1 = none). */
  gain: number;
  /** False when the estimate of this frame was rejected and the previous one reused. */
  reliable: boolean;
}

/** Per-frame inputs of DriftTracker.update. */
export interface DriftUpdate {
  index?: number;
  tS?: number;
  /** 1 = usable pixel (reference coordinates), e.g. not inside a crack found in the previous frame. */
  mask?: Uint8Array;
  /** When given, receives the frame moved back onto the reference (and gain-normalised). */
  out?: Uint8Array;
}

/** Everything a DriftTracker carries from one frame to the next (snapshot / fromSnapshot). */
export interface DriftTrackerSnapshot {
  width: number;
  height: number;
  reference: GrayImage;
  options: DriftTrackerOptions;
  history: DriftSample[];
}

export class DriftTracker {
  readonly width: number;
  readonly height: number;
  private readonly reference: GrayImage;
  private readonly estimator: ShiftEstimator;
  private readonly minPeak: number;
  private readonly minPeakZ: number;
  private readonly maxJumpPx: number;
  private readonly normalizeGain: boolean;
  private readonly options: DriftTrackerOptions;
  private readonly history: DriftSample[] = [];
  private scratch: Uint8Array | null = null;

  /** @param reference gray image the drift is measured against (usually frame 0), width·height */
  constructor(reference: GrayImage, width: number, height: number, opts: DriftTrackerOptions = {}) {
    this.width = width;
    this.height = height;
    this.reference = reference.slice();
    this.options = { ...opts };
    this.estimator = new ShiftEstimator(reference, width, height, opts);
    this.minPeak = opts.minPeak ?? 0;
    this.minPeakZ = opts.minPeakZ ?? 6;
    this.maxJumpPx = opts.maxJumpPx ?? Infinity;
    this.normalizeGain = opts.normalizeGain ?? true;
  }

  /** The state after the frames seen so far (a copy: later updates do not change it). */
  snapshot(): DriftTrackerSnapshot {
    return {
      width: this.width, height: this.height, reference: this.reference.slice(), options: { ...this.options },
      history: this.history.map((q) => ({ ...q })),
    };
  }

  /** A tracker that continues from a snapshot: update() then gives what it would have given after the snapshot's frames. */
  static fromSnapshot(s: DriftTrackerSnapshot): DriftTracker {
    const t = new DriftTracker(s.reference, s.width, s.height, s.options);
    for (const q of s.history) t.history.push({ ...q });
    return t;
  }

  /** All samples so far, in update order (for drift.csv). */
  get samples(): readonly DriftSample[] {
    return this.history;
  }

  /** Estimate the drift (and gain) of the next frame; optionally write the registered frame. */
  update(frame: Uint8Array, u: DriftUpdate = {}): DriftSample {
    const prev = this.history.length ? this.history[this.history.length - 1] : null;
    const est = this.estimator.estimate(frame, { mask: u.mask, ...(prev ? { guessPx: prev } : {}) });
    let dx = est.dxPx, dy = est.dyPx;
    let reliable = est.peak >= this.minPeak && est.peakZ >= this.minPeakZ && Number.isFinite(dx) && Number.isFinite(dy);
    if (reliable && prev && Math.hypot(dx - prev.dxPx, dy - prev.dyPx) > this.maxJumpPx) reliable = false;
    if (!reliable) {
      dx = prev ? prev.dxPx : 0;
      dy = prev ? prev.dyPx : 0;
    }
    const { width, height } = this;
    const reg = u.out ?? (this.scratch ??= new Uint8Array(width * height));
    shiftImage(frame, width, height, dx, dy, reg);
    const gain = estimateGain(this.reference, reg, width, height, {
      mask: u.mask,
      borderPx: Math.max(Math.abs(dx), Math.abs(dy)) + 1,
    });
    if (u.out && this.normalizeGain && gain > 0 && Number.isFinite(gain) && gain !== 1) {
      const inv = 1 / gain;
      for (let i = 0; i < reg.length; i++) {
        const v = Math.round(reg[i] * inv);
        reg[i] = v > 255 ? 255 : v;
      }
    }
    const s: DriftSample = { index: u.index ?? this.history.length, tS: u.tS ?? NaN, dxPx: dx, dyPx: dy, peak: est.peak, peakZ: est.peakZ, gain, reliable };
    this.history.push(s);
    return s;
  }
}
