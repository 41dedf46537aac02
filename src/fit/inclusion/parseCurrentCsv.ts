/**
 * Parse a current log `t_s,current_mA` (header matched case-insensitively; extra columns are
 * ignored). Times must increase strictly. Instrument formats are read elsewhere (ingest).
 */
import { InputError } from '../../core/errors.js';
import { readNumericColumns } from './csvRecords.js';

/** Cell current samples (zero-order hold: each value holds until the next sample). */
export interface CurrentLog {
  tS: Float64Array;
  currentMA: Float64Array;
}

/**
 * @param text contents of the current CSV
 * @param source file name for messages
 * @throws InputError on a missing column, non-numeric cell, non-increasing time or no rows
 */
export function parseCurrentCsv(text: string, source = 'current.csv'): CurrentLog {
  const { columns, lines } = readNumericColumns(text, source, ['t_s', 'current_mA']);
  const tS = columns.t_s;
  if (tS.length === 0) throw new InputError(`${source}: no data rows`, 'the current log needs at least one t_s,current_mA row');
  for (let i = 1; i < tS.length; i++) {
    if (!(tS[i] > tS[i - 1])) {
      throw new InputError(`${source}:${lines[i]}: t_s = ${tS[i]} does not increase (previous row: ${tS[i - 1]})`, 'sort the log by time and remove duplicate rows');
    }
  }
  return { tS, currentMA: columns.current_mA };
}
