/**
 * src/pipeline/batch — many recordings, each with its own options: `lidtrack batch`.
 */
export { readBatchManifest, splitCsvLine, BATCH_DEFAULTS_FILE, RECORDING_EXTENSIONS, type BatchEntry, type BatchManifest } from './batchManifest.js';
export { runBatch, resultStatus, staleReason, trackArgs, LIDTRACK_BIN, type EntryOutcome, type EntryStatus, type RunBatchOptions } from './runBatch.js';
export { collectBatch, SUMMARY_COLUMNS, type CollectResult } from './collectBatch.js';
export { slurmScript, writeSlurmScript, type SlurmOptions } from './slurmScript.js';
