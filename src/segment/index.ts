/** segment — reference, interface, and masks/regions of Li-filled cracks (own kernels; OpenCV.js for non-default blur sizes). */
export { loadOpenCv, openCvVersion, type Cv } from './opencv.js';
export { canonicalGeometry, toCanonical, canonicalToImage, imageToCanonical, type CanonicalGeometry } from './orient.js';
export { buildReference, DEFAULT_REFERENCE_OPTIONS, type Reference, type ReferenceOptions } from './reference.js';
export { detectInterface, type ElectrodeInterface } from './interface.js';
export { Segmenter, DEFAULT_SEGMENT_OPTIONS, segmenterNeedsOpenCv, type SegmentOptions, type SegmentResult, type CrackRegion } from './segmenter.js';
