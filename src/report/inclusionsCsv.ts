/**
 * DIR/inclusions.csv (SPEC.md "Outputs", stable contract): one row per isolated inclusion per
 * frame. Contract columns first, in µm; extra columns after them.
 */
import { join } from 'node:path';
import type { InclusionRow } from '../track/inclusions/types.js';
import { writeCsvAtomic, lazyMap } from './atomic.js';

export const INCLUSIONS_CSV_COLUMNS = [
  'inclusion_id', 'frame', 't_s', 'front_x_um', 'front_y_um', 'back_x_um', 'back_y_um', 'centroid_x_um', 'centroid_y_um', 'area_um2',
] as const;

/**
 * Extra columns: pixel positions; positions along the field axis (distance from the
 * plating-side border of the analysed image, i.e. of the ROI when one is set) [µm]; body length [µm]; axis angle to the field [deg]; Li contrast (relative
 * darkening); emptied-crack area [µm²]; redeposited patches (area [µm²], count, distance of the
 * nearest patch from the crack tip and from the body's back end [µm]); static flag (0/1).
 */
export const INCLUSIONS_CSV_EXTRA_COLUMNS = [
  'front_x_px', 'front_y_px', 'back_x_px', 'back_y_px', 'centroid_x_px', 'centroid_y_px',
  'front_field_um', 'back_field_um', 'centroid_field_um', 'length_um', 'axis_angle_deg', 'li_contrast_rel',
  'depleted_area_um2', 'patch_area_um2', 'n_patches', 'patch_from_tip_um', 'patch_from_back_um', 'static',
] as const;

const r4 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : NaN);
const r6 = (x: number) => Number(x.toPrecision(10));

/**
 * Write DIR/inclusions.csv (rows sorted by inclusion, then frame); empty cells for NaN.
 * @param rows tracker rows (positions in px)
 * @param umPerPx scale [µm/px]
 * @returns the file's path
 */
export function writeInclusionsCsv(dir: string, rows: readonly InclusionRow[], umPerPx: number): string {
  const path = join(dir, 'inclusions.csv');
  const s = umPerPx;
  const sorted = [...rows].sort((a, b) => a.inclusionId - b.inclusionId || a.frame - b.frame);
  writeCsvAtomic(
    path,
    [...INCLUSIONS_CSV_COLUMNS, ...INCLUSIONS_CSV_EXTRA_COLUMNS],
    lazyMap(sorted, (r) => [
      r.inclusionId, r.frame, r6(r.tS),
      r4(r.frontXPx * s), r4(r.frontYPx * s), r4(r.backXPx * s), r4(r.backYPx * s), r4(r.centroidXPx * s), r4(r.centroidYPx * s),
      r4(r.areaPx2 * s * s),
      r4(r.frontXPx), r4(r.frontYPx), r4(r.backXPx), r4(r.backYPx), r4(r.centroidXPx), r4(r.centroidYPx),
      r4(r.frontVPx * s), r4(r.backVPx * s), r4(r.centroidVPx * s), r4(r.lengthPx * s), r4(r.axisAngleDeg), r4(r.liContrastRel),
      r4(r.depletedAreaPx2 * s * s), r4(r.patchAreaPx2 * s * s), r.nPatches, r4(r.patchFromTipPx * s), r4(r.patchFromBackPx * s),
      r.static ? 1 : 0,
    ]),
  );
  return path;
}
