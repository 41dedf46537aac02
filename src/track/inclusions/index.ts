/** track/inclusions — isolated Li inclusions: ends, centroid, area, emptied crack, redeposition. */
export { InclusionTracker, DEFAULT_INCLUSION_TRACKER_OPTIONS, type InclusionTrackerOptions } from './InclusionTracker.js';
export { measureInclusion, type InclusionMeasurement, type MeasureInput } from './measureInclusion.js';
export type { InclusionRow } from './types.js';
