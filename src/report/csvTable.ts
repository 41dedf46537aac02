/**
 * A strict, small CSV reader for lidtrack's own outputs (RFC 4180 quoting, one header row,
 * optional units row). Every error names the file and the 1-based line so a user can open it.
 */
import { InputError } from '../core/errors.js';

/** A parsed CSV: header names and the data rows with their 1-based line numbers in the file. */
export interface CsvTable {
  /** File name used in error messages. */
  file: string;
  header: string[];
  /** Units row (second header line) when the file has one, else null. */
  units: string[] | null;
  rows: Array<{ line: number; cells: string[] }>;
}

/** Split CSV text into records of cells; quoted cells may contain commas, quotes and newlines. */
function splitRecords(text: string, file: string): Array<{ line: number; cells: string[] }> {
  const out: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // Excel writes a BOM
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line += 1;
        cell += c;
      }
      i += 1;
      continue;
    }
    if (c === '"') {
      if (cell.length > 0) throw new InputError(`${file}:${line}: a quote inside an unquoted cell`, 'quote the whole cell ("a ""b"" c") or remove the quote');
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i += 1;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) out.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line += 1;
      recordLine = line;
    } else {
      cell += c;
    }
    i += 1;
  }
  if (quoted) throw new InputError(`${file}:${recordLine}: a quoted cell is never closed`, 'close the quote or remove it; the file may be truncated');
  if (cell.length > 0 || cells.length > 0) {
    cells.push(cell);
    out.push({ line: recordLine, cells });
  }
  return out;
}

/** True when a row looks like a units row: no cell parses as a number and at least one is non-empty. */
function looksLikeUnitsRow(cells: string[]): boolean {
  return cells.some((c) => c.trim() !== '') && cells.every((c) => c.trim() === '' || !Number.isFinite(Number(c)));
}

/**
 * Parse CSV text. The first record is the header; a second record with no numeric cell is taken
 * as a units row (see {@link csvWithUnitsRow}). Every data row must have as many cells as the header.
 * @param text file contents
 * @param file name used in error messages
 */
export function parseCsv(text: string, file: string): CsvTable {
  const records = splitRecords(text, file);
  if (records.length === 0) throw new InputError(`${file}: the file is empty`, 'rerun the stage that writes it, or remove the empty file');
  const header = records[0].cells.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (h === '') throw new InputError(`${file}:1: the header has an empty column name`, 'name every column in the first line');
    if (seen.has(h)) throw new InputError(`${file}:1: column "${h}" appears twice in the header`, 'remove or rename the duplicate column');
    seen.add(h);
  }
  let start = 1;
  let units: string[] | null = null;
  if (records.length > 1 && looksLikeUnitsRow(records[1].cells) && records[1].cells.length === header.length) {
    units = records[1].cells.map((u) => u.trim());
    start = 2;
  }
  const rows = records.slice(start);
  for (const r of rows) {
    if (r.cells.length !== header.length) {
      throw new InputError(
        `${file}:${r.line}: ${r.cells.length} cells, but the header has ${header.length} columns`,
        'every row needs one cell per header column; the file may be truncated or edited by hand',
      );
    }
  }
  return { file, header, units, rows };
}

/** Index of a required column, or an InputError naming the file and the columns present. */
export function requireColumn(table: CsvTable, name: string): number {
  const i = table.header.indexOf(name);
  if (i < 0) {
    throw new InputError(
      `${table.file}:1: required column "${name}" is missing (columns: ${table.header.join(',')})`,
      'the file must follow the column contract in SPEC.md; regenerate it with the current lidtrack',
    );
  }
  return i;
}

/**
 * A cell as a number. Empty cells give NaN when `allowEmpty`, else an error; anything that is not a
 * finite decimal number is an error naming file, line and column.
 */
export function numberCell(table: CsvTable, row: { line: number; cells: string[] }, col: number, allowEmpty = false): number {
  const raw = row.cells[col].trim();
  if (raw === '' || raw.toLowerCase() === 'nan') {
    if (allowEmpty) return Number.NaN;
    throw new InputError(`${table.file}:${row.line}: column "${table.header[col]}" is empty`, 'this column needs a number in every row');
  }
  const v = Number(raw);
  if (!Number.isFinite(v)) {
    throw new InputError(`${table.file}:${row.line}: column "${table.header[col]}" is "${raw}", not a finite number`, 'use a decimal point and no thousands separator');
  }
  return v;
}

/** A cell as an integer (same errors as {@link numberCell}, plus one for fractions). */
export function integerCell(table: CsvTable, row: { line: number; cells: string[] }, col: number): number {
  const v = numberCell(table, row, col);
  if (!Number.isInteger(v)) {
    throw new InputError(`${table.file}:${row.line}: column "${table.header[col]}" is ${v}, not an integer`, 'ids and frame indices are whole numbers');
  }
  return v;
}
