/**
 * The `--timestamps FILE.csv` format: a header `frame,t_s`, then one row per frame with the
 * 0-based frame number and its time in seconds. Strict: frame numbers 0,1,2,… in order,
 * t_s finite and strictly increasing; blank lines and lines starting with `#` are skipped;
 * extra columns after t_s are allowed (e.g. an acquisition log's exposure column).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/**
 * Parse timestamps CSV text.
 * @param name file name used in error messages
 * @returns t_s [s] per frame, index = frame number
 * @throws InputError naming the file, the line, the rule, the value and the fix
 */
export function parseTimestampsCsv(text: string, name: string): number[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerSeen = false;
  let frameCol = 0;
  let tCol = 1;
  const times: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const cells = raw.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (!headerSeen) {
      const lower = cells.map((c) => c.toLowerCase());
      frameCol = lower.indexOf('frame');
      tCol = lower.indexOf('t_s');
      if (frameCol < 0 || tCol < 0) {
        throw new InputError(
          `${name} line ${lineNo}: expected a header with columns frame,t_s; got "${raw.slice(0, 60)}"`,
          'make the first line `frame,t_s` and give one row per frame, e.g. `0,0.0`',
        );
      }
      headerSeen = true;
      continue;
    }
    if (cells.length <= Math.max(frameCol, tCol)) {
      throw new InputError(`${name} line ${lineNo}: expected ${Math.max(frameCol, tCol) + 1} columns (frame,t_s); got "${raw.slice(0, 60)}"`, 'each row is frame,t_s, e.g. `12,3.25`');
    }
    const fCell = cells[frameCol];
    const tCell = cells[tCol];
    if (!/^\d+$/.test(fCell)) {
      throw new InputError(`${name} line ${lineNo}: frame "${fCell}" is not a whole number`, 'frame numbers are 0-based integers: 0,1,2,…');
    }
    const frame = Number(fCell);
    if (frame !== times.length) {
      throw new InputError(
        `${name} line ${lineNo}: frame ${frame} where frame ${times.length} was expected`,
        'list every frame once, 0-based and in order (0,1,2,…); frame numbers starting at 1 must be shifted by −1',
      );
    }
    const t = tCell === '' ? NaN : Number(tCell);
    if (!Number.isFinite(t)) {
      throw new InputError(`${name} line ${lineNo}: t_s "${tCell}" is not a number`, 'give times in seconds as plain numbers, e.g. 12.5');
    }
    if (times.length > 0 && t <= times[times.length - 1]) {
      throw new InputError(
        `${name} line ${lineNo}: t_s ${t} is not later than the previous frame's ${times[times.length - 1]}`,
        'times must increase strictly from frame to frame; check the row order and units (seconds)',
      );
    }
    times.push(t);
  }
  if (!headerSeen) throw new InputError(`${name} is empty`, 'write a header `frame,t_s` and one row per frame');
  if (times.length === 0) throw new InputError(`${name} has a header but no rows`, 'give one row frame,t_s per frame');
  return times;
}

/** Read and parse a timestamps CSV file (see parseTimestampsCsv). */
export function readTimestampsCsv(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`--timestamps file not found: ${path}`, 'give the path of a CSV with columns frame,t_s');
  }
  return parseTimestampsCsv(text, path);
}

/**
 * Check that `times` covers a source of `frameCount` frames.
 * @throws InputError when there are fewer rows than frames
 * @returns a warning when there are more rows than frames (extra rows are ignored), else null
 */
export function checkTimestampsCover(times: readonly number[], frameCount: number, csvName: string, sourceName: string): string | null {
  if (times.length < frameCount) {
    throw new InputError(
      `${csvName} has ${times.length} rows but ${sourceName} has ${frameCount} frames`,
      'give one row frame,t_s for every frame (0-based frame numbers)',
    );
  }
  return times.length > frameCount ? `${csvName} has ${times.length} rows for ${frameCount} frames: the extra rows are ignored` : null;
}
