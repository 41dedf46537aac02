/** track — dendrite tips (sub-pixel) linked into tracks. */
export { findTips, tipsOfRegion, tipPriors, branchEnds, branchSearchFor, BRANCH_STICKY_FRAMES, type BranchSearch, type FrameBranchEnds, interfaceAt, DEFAULT_TIP_OPTIONS, type TipCandidate, type TipOptions, type TipPrior } from './findTips.js';
export { TipHistory, type TipHistorySnapshot } from './tipHistory.js';
export { Linker, DEFAULT_LINK_OPTIONS, type LinkOptions } from './linker.js';
export { fitRampEdge, rampEdgeModel, type EdgeFitResult } from './edgeFit.js';
export { findPeaks, type ProfilePeak } from './peaks.js';
export { dendriteAxis, lengthAlongAxisPx, type DendriteAxis } from './dendriteAxis.js';
export { branchTipsOfRegion, DEFAULT_BRANCH_OPTIONS, type BranchOptions, type BranchTip } from './branchTips.js';
export { mergeFragments, DEFAULT_MERGE_OPTIONS, type FragmentRow, type MergedPiece, type MergeOptions } from './mergeFragments.js';
