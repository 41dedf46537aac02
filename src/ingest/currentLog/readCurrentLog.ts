import { existsSync, readFileSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { parseCurrentLog } from './parseCurrentLog.js';
import type { CurrentLogData } from './types.js';

export interface ReadCurrentLogOptions {
  /**
   * Added to every log time to put it on the video clock [s]: t_video = t_log + clockOffsetS
   * (e.g. −12 when the potentiostat started 12 s before the camera).
   */
  clockOffsetS?: number;
}

/**
 * Read a potentiostat log (generic CSV, BioLogic .mpt, Gamry .DTA; see parseCurrentLog).
 * @throws InputError naming the file, line and problem
 */
export function readCurrentLog(path: string, opts: ReadCurrentLogOptions = {}): CurrentLogData {
  if (!existsSync(path)) throw new InputError(`current log ${path} does not exist`, 'check the --current path');
  const buf = readFileSync(path);
  // EC-Lab and Gamry exports are often Windows-1252/Latin-1 (µ, °): decode as latin1 when not UTF-8.
  let text = buf.toString('utf8');
  if (text.includes('\uFFFD')) text = buf.toString('latin1');
  const log = parseCurrentLog(text, path);
  const off = opts.clockOffsetS ?? 0;
  if (!Number.isFinite(off)) throw new InputError(`clock offset ${off} s is not a finite number`, 'give the offset in seconds, e.g. --current-offset -12.5');
  if (off !== 0) for (const s of log.samples) s.tS += off;
  return log;
}
