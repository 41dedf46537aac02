/**
 * Parse the text of a potentiostat log. Formats:
 *
 * - generic CSV: a header row with a time and a current column (and optionally a voltage
 *   column), units in the names ("t_s,current_mA,voltage_V", "time/s;I/mA;Ewe/V",
 *   "Time (s),Current (A)"); delimiter comma, semicolon or tab; with `;` or tab, a decimal
 *   comma is accepted; lines starting with `#` are comments;
 * - BioLogic EC-Lab text export (.mpt): "EC-Lab ASCII FILE", "Nb header lines : N"; the N-th
 *   line holds the tab-separated column names ("time/s", "<I>/mA" or "I/mA", "Ewe/V");
 *   decimal comma possible;
 * - Gamry .DTA: the first "CURVE… TABLE" block: a tab-separated header row (Pt, T, Vf, Im, …),
 *   a units row, then data rows; T in s, Im in A, Vf in V.
 *
 * Strict: a missing column, a non-numeric cell, or a time that does not strictly increase is an
 * InputError naming the file, the 1-based line and the problem.
 */
import { InputError } from '../../core/errors.js';
import { columnMeaning, splitHeader, type ColumnMeaning, type Quantity } from './columnNames.js';
import type { CurrentLogData, CurrentSample } from './types.js';

export type CurrentLogFormat = 'csv' | 'biologic-mpt' | 'gamry-dta';

/** Guess the format from the name and the first lines. */
export function detectCurrentLogFormat(text: string, fileName = ''): CurrentLogFormat {
  const head = text.slice(0, 4000);
  if (/\.mpt$/i.test(fileName) || /EC-Lab ASCII FILE/i.test(head) || /Nb header lines\s*:/i.test(head)) return 'biologic-mpt';
  if (/\.dta$/i.test(fileName) || /^EXPLAIN\b/m.test(head) || /^CURVE\w*\s+TABLE/m.test(text)) return 'gamry-dta';
  return 'csv';
}

/**
 * @param text file contents
 * @param file file name (for messages and format detection)
 */
export function parseCurrentLog(text: string, file: string): CurrentLogData {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const fmt = detectCurrentLogFormat(text, file);
  if (fmt === 'biologic-mpt') {
    const m = /Nb header lines\s*:\s*(\d+)/i.exec(lines.slice(0, 10).join('\n'));
    if (!m) throw new InputError(`${file}:2: EC-Lab file without "Nb header lines : N"`, 'export the data as text from EC-Lab ("Export as text") with its header');
    const n = Number(m[1]);
    if (!(n >= 1 && n <= lines.length)) throw new InputError(`${file}: "Nb header lines : ${n}" exceeds the file's ${lines.length} lines`, 'the file is truncated; export it again');
    return parseTable(lines, n - 1, n, '\t', file, 'biologic-mpt', {});
  }
  if (fmt === 'gamry-dta') {
    const k = lines.findIndex((l) => /^CURVE\w*\s+TABLE/.test(l));
    if (k < 0) throw new InputError(`${file}: no CURVE TABLE in the Gamry file`, 'export a chrono (CURVE) experiment; the log needs a table with T and Im');
    // header row, units row, then data (rows start with a tab)
    let end = k + 3;
    while (end < lines.length && /^\s/.test(lines[end]) && lines[end].trim() !== '') end++;
    return parseTable(lines.slice(0, end), k + 1, k + 3, '\t', file, 'gamry-dta', { time: 's', current: 'a', voltage: 'v' });
  }
  let h = 0;
  while (h < lines.length && (lines[h].trim() === '' || lines[h].trimStart().startsWith('#'))) h++;
  if (h >= lines.length) throw new InputError(`${file}: empty current log`, 'the log needs a header row (e.g. t_s,current_mA) and data rows');
  const hl = lines[h];
  const delim = hl.includes('\t') ? '\t' : hl.includes(';') ? ';' : ',';
  return parseTable(lines, h, h + 1, delim, file, 'csv', {});
}

function parseTable(
  lines: string[], headerIdx: number, dataIdx: number, delim: string, file: string, fmt: CurrentLogFormat,
  defaultUnits: Partial<Record<Quantity, string>>,
): CurrentLogData {
  const headers = lines[headerIdx].split(delim).map((s) => s.trim());
  const found: Partial<Record<Quantity, { col: number; m: ColumnMeaning; name: string }>> = {};
  const unitless: string[] = [];
  headers.forEach((name, col) => {
    if (!name) return;
    const m = columnMeaning(name, defaultUnits);
    if (!m) {
      const [base, unit] = splitHeader(name);
      if (unit === null && ['t', 'time', 'i', 'current', 'voltage'].includes(base)) unitless.push(name);
      return;
    }
    if (!found[m.quantity]) found[m.quantity] = { col, m, name };
  });
  const where = `${file}:${headerIdx + 1}`;
  for (const q of ['time', 'current'] as const) {
    if (found[q]) continue;
    const u = unitless.find((n) => (q === 'time' ? /^t|^time/i : /^i|^current/i).test(n));
    if (u) throw new InputError(`${where}: column "${u}" has no unit`, q === 'time' ? 'name it t_s, "time/s" or "Time (s)"' : 'name it current_mA, "I/mA" or "Current (A)"');
    throw new InputError(
      `${where}: no ${q} column among [${headers.filter(Boolean).join(', ')}]`,
      q === 'time' ? 'add a time column such as t_s, "time/s" or "Time (s)"' : 'add a current column such as current_mA, "I/mA" or "Current (A)"',
    );
  }
  const cols = (['time', 'current', 'voltage'] as Quantity[]).filter((q) => found[q]).map((q) => found[q]!);
  const need = Math.max(...cols.map((c) => c.col)) + 1;
  const decimalComma = delim !== ',';
  const samples: CurrentSample[] = [];
  let prevT = -Infinity;
  let prevLine = 0;
  for (let i = dataIdx; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || (fmt === 'csv' && line.trimStart().startsWith('#'))) continue;
    const f = line.split(delim);
    const ln = i + 1;
    if (f.length < need) throw new InputError(`${file}:${ln}: ${f.length} fields, expected at least ${need} (${cols.map((c) => c.name).join(', ')})`, 'remove the incomplete row or fix the delimiter');
    const get = (q: Quantity): number | undefined => {
      const c = found[q];
      if (!c) return undefined;
      const raw = f[c.col].trim();
      const txt = decimalComma ? raw.replace(',', '.') : raw;
      const x = txt === '' ? NaN : Number(txt);
      if (!Number.isFinite(x)) throw new InputError(`${file}:${ln}: ${c.name} = "${raw}" is not a number`, 'remove or fix the non-numeric row (text, NaN and empty cells are not accepted)');
      return x * c.m.factor;
    };
    const tS = get('time')!;
    const currentMA = get('current')!;
    const voltageV = get('voltage');
    if (!(tS > prevT)) {
      throw new InputError(
        `${file}:${ln}: time ${tS} s ${tS === prevT ? 'duplicates' : 'is before'} the time on line ${prevLine} (${prevT} s)`,
        'times must increase strictly: sort the log and remove duplicate rows',
      );
    }
    prevT = tS;
    prevLine = ln;
    samples.push(voltageV === undefined ? { tS, currentMA } : { tS, currentMA, voltageV });
  }
  if (samples.length === 0) throw new InputError(`${file}: no data rows after the header on line ${headerIdx + 1}`, 'the current log needs at least one data row');
  return { samples, source: `${fmt} (${cols.map((c) => c.name).join(', ')})` };
}
