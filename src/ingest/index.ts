/**
 * ingest — frames with true timestamps. Public surface of the stage:
 * openSource() for any input; probeVideo()/probeSource() to inspect one; the timestamps-CSV
 * parser; the ffmpeg resolver and capability checks (for `lidtrack doctor` and provenance).
 */
export { openSource, probeSource, sourceKind, type SourceKind } from './openSource.js';
export { openVideo, type OpenVideoOptions, type VideoFrameSource } from './openVideo.js';
export { probeVideo, parseRational, PROBE_MAX_PACKETS, type ProbeResult } from './probeVideo.js';
export { analyzeTimestamps, type TimestampCheck } from './analyzeTimestamps.js';
export { parseTimestampsCsv, readTimestampsCsv, checkTimestampsCover } from './timestampsCsv.js';
export { listImageSequence, isSequencePattern, IMAGE_EXTENSIONS } from './listImageSequence.js';
export { DEPTH_MAP_PERCENTILES, DEPTH_MAP_SAMPLE_PAGES, type DepthMap } from './grayMapping.js';
export { videoGrayConversion } from './grayConversion.js';
export { resolveFfmpeg, ffmpegCandidates, type ResolvedBinary, type ResolvedBinaries } from './binaries.js';
export { ffmpegCapabilities, binaryVersionLine, type FfmpegCapabilities } from './ffmpegCapabilities.js';
export type { DecodeReport, IngestFrameSource, OpenSourceOptions, TimestampSource } from './types.js';
export { ffmpegResolutionChain, type ResolutionStep } from './binaries.js';
export { diagnoseFfmpeg, type Check } from './diagnoseFfmpeg.js';
