/**
 * The contract tables of a `track` run (SPEC.md "Outputs"): tracks.csv and summary.json.
 * Column names and field names are the stable contract; extra columns follow the contract ones.
 */
import { join } from 'node:path';
import type { BranchTrack } from '../measure/branches.js';
import type { TrackKinematics } from '../measure/trackKinematics.js';
import { writeCsvAtomic, writeJsonAtomic, lazyMap } from './atomic.js';

export const TRACKS_CSV_COLUMNS = ['track_id', 'frame', 't_s', 'tip_x_px', 'tip_y_px', 'tip_x_um', 'tip_y_um', 'length_um'] as const;
export const TRACKS_CSV_EXTRA_COLUMNS = ['tip_sigma_px', 'length_px', 'area_um2', 'refined', 'height_um', 'mean_width_um', 'tip_x_smooth_px', 'tip_y_smooth_px', 'length_smooth_um'] as const;

export interface TrackRow {
  trackId: number;
  frame: number;
  tS: number;
  tipXPx: number;
  tipYPx: number;
  lengthPx: number;
  tipSigmaPx: number;
  areaPx: number;
  refined: boolean;
  /** Tip distance from the interface along the electrode normal [px]; not written. */
  heightPx: number;
  /** Canonical coordinates (electrode on top), for the axis computation; not written. */
  canonU: number;
  canonV: number;
  /** The segmented region the tip was in (a per-frame label: same frame, same label = same region); not written. */
  regionLabel?: number;
  /** Smoothed tip (image coordinates) and length (measure/smoothTrack.ts); set on the final tracks only. */
  smoothXPx?: number;
  smoothYPx?: number;
  smoothLengthPx?: number;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => Number(x.toPrecision(10));

/** Write DIR/tracks.csv (rows sorted by track, then frame). */
export function writeTracksCsv(dir: string, rows: TrackRow[], umPerPx: number): string {
  const path = join(dir, 'tracks.csv');
  const sorted = [...rows].sort((a, b) => a.trackId - b.trackId || a.frame - b.frame);
  writeCsvAtomic(
    path,
    [...TRACKS_CSV_COLUMNS, ...TRACKS_CSV_EXTRA_COLUMNS],
    // (each row made as it is written: no table of cells for hours of tip rows)
    lazyMap(sorted, (r) => [
      r.trackId, r.frame, r6(r.tS), r4(r.tipXPx), r4(r.tipYPx), r4(r.tipXPx * umPerPx), r4(r.tipYPx * umPerPx), r4(r.lengthPx * umPerPx),
      r4(r.tipSigmaPx), r4(r.lengthPx), r4(r.areaPx * umPerPx * umPerPx), r.refined ? 1 : 0,
      // height: distance from the interface along the electrode normal; mean leaf width =
      // region area / length (for dendrites joined at the base the region, hence area, is shared)
      r4(r.heightPx * umPerPx), r.lengthPx > 0 ? r4((r.areaPx / r.lengthPx) * umPerPx) : '',
      r.smoothXPx === undefined ? '' : r4(r.smoothXPx), r.smoothYPx === undefined ? '' : r4(r.smoothYPx),
      r.smoothLengthPx === undefined ? '' : r4(r.smoothLengthPx * umPerPx),
    ]),
  );
  return path;
}

const ci = (c: [number, number]): [number, number] => [r6(c[0]), r6(c[1])];

/** branches.csv columns (issue 3: branch tips in a table of their own). */
export const BRANCHES_CSV_COLUMNS = [
  'branch_id', 'dendrite_id', 'frame', 't_s', 'tip_x_px', 'tip_y_px', 'tip_x_um', 'tip_y_um', 'branch_length_um',
  'junction_x_px', 'junction_y_px', 'tip_sigma_px', 'refined',
] as const;

/** Write DIR/branches.csv (rows sorted by branch, then frame); header only when there are none. */
export function writeBranchesCsv(dir: string, branches: BranchTrack[], umPerPx: number): string {
  const path = join(dir, 'branches.csv');
  writeCsvAtomic(path, [...BRANCHES_CSV_COLUMNS], branches.flatMap((b) => b.rows.map((r) => [
    b.id, b.dendriteId, r.frame, r6(r.tS), r4(r.tipXPx), r4(r.tipYPx), r4(r.tipXPx * umPerPx), r4(r.tipYPx * umPerPx),
    r4(r.branchLengthPx * umPerPx), r4(r.junctionXPx), r4(r.junctionYPx), r4(r.tipSigmaPx), r.refined ? 1 : 0,
  ])));
  return path;
}

/** summary.json "branches" entry for one branch. */
export function branchSummaryJson(b: BranchTrack, umPerPx: number): Record<string, unknown> {
  const k = b.kinematics;
  return {
    id: b.id,
    dendrite_id: b.dendriteId,
    first_t_s: r6(b.rows[0].tS),
    last_t_s: r6(b.rows[b.rows.length - 1].tS),
    n_points: b.rows.length,
    final_length_um: r6(b.rows[b.rows.length - 1].branchLengthPx * umPerPx),
    velocity_um_per_s: k ? r6(k.velocityUmPerS) : null,
    velocity_ci95_um_per_s: k ? ci(k.velocityCi95UmPerS) : null,
  };
}

/** summary.json "tracks" entry for one dendrite. */
export function trackSummaryJson(id: number, k: TrackKinematics, extra: { initiationTS?: number | null; initiationLengthUm?: number } = {}): Record<string, unknown> {
  return {
    id,
    initiation_t_s: extra.initiationTS === undefined || extra.initiationTS === null ? null : r6(extra.initiationTS),
    initiation_length_um: extra.initiationLengthUm ?? null,
    velocity_um_per_s: r6(k.velocityUmPerS),
    velocity_ci95_um_per_s: ci(k.velocityCi95UmPerS),
    j_tip_A_per_cm2: r6(k.jTipAPerCm2),
    j_tip_ci95_A_per_cm2: ci(k.jTipCi95APerCm2),
    t_start_s: r6(k.tStartS),
    t_end_s: r6(k.tEndS),
    n_points: k.nPoints,
    n_outliers: k.nOutliers,
    intercept_um: r6(k.interceptUm),
    residual_sd_um: r6(k.residualSdUm),
    rates: k.rates.map((r) => ({
      t_s: r6(r.tS),
      velocity_um_per_s: r6(r.velocityUmPerS),
      velocity_ci95_um_per_s: ci(r.velocityCi95UmPerS),
      j_tip_A_per_cm2: r6(r.jTipAPerCm2),
      j_tip_ci95_A_per_cm2: ci(r.jTipCi95APerCm2),
    })),
  };
}

export const SUMMARY_UNITS = {
  velocity_um_per_s: 'um/s',
  j_tip_A_per_cm2: 'A/cm^2',
  t_s: 's',
  length_um: 'um',
  intercept_um: 'um',
} as const;

/** Write DIR/summary.json. */
export function writeSummaryJson(dir: string, summary: Record<string, unknown>): string {
  const path = join(dir, 'summary.json');
  writeJsonAtomic(path, { schema_version: 1, units: SUMMARY_UNITS, ...summary });
  return path;
}
