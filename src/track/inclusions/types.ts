/** One isolated inclusion in one frame. Image coordinates [px] include the ROI offset. */
export interface InclusionRow {
  inclusionId: number;
  frame: number;
  tS: number;
  frontXPx: number;
  frontYPx: number;
  backXPx: number;
  backYPx: number;
  centroidXPx: number;
  centroidYPx: number;
  /** Li area: pixels of the inclusion darker than half the Li contrast [px²]. */
  areaPx2: number;
  /** Positions along the field axis (canonical v: distance from the plating-side border of the analysed image/ROI) [px]. */
  frontVPx: number;
  backVPx: number;
  centroidVPx: number;
  /** Length of the main Li body between back and front along its own axis [px]. */
  lengthPx: number;
  /** Angle of the inclusion axis to the field axis [deg] (0 = along the field). */
  axisAngleDeg: number;
  /** Li contrast (relative darkening of the Li body) of this frame. */
  liContrastRel: number;
  /** Emptied crack next to the inclusion: lighter than Li, darker than the crystal [px²]. */
  depletedAreaPx2: number;
  /** Li outside the main body (redeposited patches) [px²] and their number. */
  patchAreaPx2: number;
  nPatches: number;
  /**
   * Distance along the axis from the crack tip behind the back end (the end of the emptied
   * crack farthest from the body) to the nearest patch [px]; NaN without patches.
   */
  patchFromTipPx: number;
  /** Distance along the axis from the body's back end to the nearest patch [px]; NaN without patches. */
  patchFromBackPx: number;
  /** Ends moved less than 1 px over the whole track (possibly dust or a dormant inclusion). */
  static: boolean;
}
