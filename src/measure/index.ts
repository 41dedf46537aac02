/** measure — dx/dt with uncertainty, j_tip. */
export { fitLine, lineBandHalfWidth, type LineFit } from './regression.js';
export { studentTCdf, studentTQuantile } from './studentT.js';
export { trackKinematics, theilSenSlope, type TrackKinematics, type WindowedRate } from './trackKinematics.js';
export { branchContinuations, branchesFoundAsLeads, branchJunction, consolidateBranches, type BranchConsolidation, type BranchRow, type BranchTrack, type ContinuationOptions } from './branches.js';
export { smoothTrack, SMOOTH_HALF_WINDOW_POINTS } from './smoothTrack.js';
