/**
 * Typed, unit-named view of a finished run folder (SPEC.md "Outputs of track / run" and
 * "Fit input and output"), as read by {@link readRunFolder}. Optional files are null.
 */
import type { InclusionPoint } from '../core/types.js';

/** One row of tracks.csv. */
export interface TrackPoint {
  trackId: number;
  frame: number;
  tS: number;
  tipXPx: number;
  tipYPx: number;
  tipXUm: number;
  tipYUm: number;
  lengthUm: number;
  /** Extra numeric columns after the contract columns (e.g. tip_sigma_px), NaN when empty. */
  extra: Record<string, number>;
}

/** A windowed rate sample of one track (summary.json `rates`). */
export interface RateSample {
  /** Window centre [s]. */
  tS: number;
  velocityUmPerS: number;
  /** 95 % interval of the velocity [µm/s], or null. */
  velocityCi95UmPerS: [number, number] | null;
  jTipAPerCm2: number;
  /** 95 % interval of j_tip [A/cm²], or null. */
  jTipCi95APerCm2: [number, number] | null;
}

/** One dendrite in summary.json. */
export interface TrackSummary {
  id: number;
  velocityUmPerS: number | null;
  velocityCi95UmPerS: [number, number] | null;
  jTipAPerCm2: number | null;
  jTipCi95APerCm2: [number, number] | null;
  tStartS: number | null;
  tEndS: number | null;
  nPoints: number | null;
  /** Regression intercept [µm] at t = 0 s when the measure stage wrote it. */
  interceptUm: number | null;
  rates: RateSample[];
}

/** One migration phase of an inclusion in summary.json. */
export interface InclusionPhase {
  tStartS: number;
  tEndS: number;
  currentSign: number;
  frontVelocityUmPerS: number | null;
  backVelocityUmPerS: number | null;
  areaChangeRel: number | null;
}

export interface InclusionSummary {
  id: number;
  phases: InclusionPhase[];
}

/** summary.json "branches" entry: a side branch of a dendrite (branches.csv). */
export interface BranchSummary {
  id: number;
  dendriteId: number;
  firstTS: number;
  lastTS: number;
  finalLengthUm: number | null;
  velocityUmPerS: number | null;
  velocityCi95UmPerS: [number, number] | null;
}

/** summary.json, with the parts report uses typed and the rest kept verbatim. */
export interface RunSummary {
  tracks: TrackSummary[];
  inclusions: InclusionSummary[];
  /** Side branches (absent in runs without them: empty). */
  branches: BranchSummary[];
  video: Record<string, unknown> | null;
  calibration: Record<string, unknown> | null;
  lidtrackVersion: string | null;
  /** Run status written by the tracker ("complete", "partial", ...), or null. */
  status: string | null;
  /** Warnings the run itself recorded in summary.json (e.g. the recording ended early). */
  runNotes: string[];
  /** Optional parts that were malformed and left out (file, JSON path, rule). */
  warnings: string[];
}

/** One row of inclusions.csv (the contract type lives in src/core/types.ts). */
export type { InclusionPoint };

/** One row of drift.csv. */
export interface DriftPoint {
  tS: number;
  dxPx: number;
  dyPx: number;
}

/** One row of current.csv. */
export interface CurrentPoint {
  tS: number;
  currentMA: number;
  voltageV: number | null;
}

/** One fitted or fixed parameter in fit.json. */
export interface FitParameter {
  name: string;
  /** Null when the fit stage could not give one (e.g. a derived value that is undefined). */
  value: number | null;
  ci95: [number, number] | null;
  ciMethod: string | null;
  unit: string;
  fixed: boolean;
  /** Where a fixed value came from, or "at a bound" for a fitted one (display only). */
  note: string | null;
}

/** fit.json. */
export interface FitSummary {
  model: string;
  converged: boolean;
  chi2Red: number | null;
  parameters: FitParameter[];
  correlations: Record<string, unknown>;
  notIdentifiable: Array<{ name: string; reason: string }>;
}

/** A table kept as text with its column names (fit-residuals.csv: columns vary by model). */
export interface RawTable {
  header: string[];
  rows: string[][];
}

/** An image written by the tracker (keyframes/, kymographs/). */
export interface RunImage {
  /** File name, e.g. "keyframe_0120.png". */
  name: string;
  /** Absolute path. */
  path: string;
}

/** Everything `lidtrack report` reads from a run folder. */
export interface RunFolder {
  dir: string;
  tracks: TrackPoint[];
  summary: RunSummary;
  inclusions: InclusionPoint[] | null;
  drift: DriftPoint[] | null;
  current: CurrentPoint[] | null;
  fit: FitSummary | null;
  fitResiduals: RawTable | null;
  manifest: Record<string, unknown> | null;
  keyframes: RunImage[];
  kymographs: RunImage[];
}
