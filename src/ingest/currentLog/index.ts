/** ingest/currentLog — potentiostat logs (CSV, BioLogic .mpt, Gamry .DTA), phases, j_n. */
export type { CurrentSample, CurrentLogData, CurrentPhase } from './types.js';
export { readCurrentLog, type ReadCurrentLogOptions } from './readCurrentLog.js';
export { parseCurrentLog, detectCurrentLogFormat, type CurrentLogFormat } from './parseCurrentLog.js';
export { phasesOfCurrent, currentDensityAPerM2, type PhaseOptions } from './phasesOfCurrent.js';
export { checkCurrentCovers } from './checkCurrentCovers.js';
export { columnMeaning, splitHeader, type ColumnMeaning, type Quantity } from './columnNames.js';
