/**
 * A small strict CSV reader for the fit inputs: header row (matched case-insensitively),
 * comma-separated numeric cells, blank lines and '#' comment lines skipped, every error naming
 * the file and the 1-based line.
 */
import { InputError } from '../../core/errors.js';

/** Parsed numeric table: requested columns only, one Float64Array per column. */
export interface NumericColumns {
  /** Column name (as requested) → values. */
  columns: Record<string, Float64Array>;
  /** 1-based source line of each row. */
  lines: number[];
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((c) => c.trim());
}

/**
 * Read the named columns of a CSV text as numbers.
 * @param text file contents
 * @param source file name for messages
 * @param required column names (matched case-insensitively against the header)
 * @throws InputError on a missing column, a short row or a non-numeric cell (with line number)
 */
export function readNumericColumns(text: string, source: string, required: readonly string[]): NumericColumns {
  const rawLines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let headerLine = -1;
  for (let i = 0; i < rawLines.length; i++) {
    const t = rawLines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    headerLine = i;
    break;
  }
  if (headerLine < 0) throw new InputError(`${source}: the file is empty`, `it needs a header line with ${required.join(',')} and data rows`);
  const header = splitCsvLine(rawLines[headerLine]).map((h) => h.toLowerCase());
  const index: Record<string, number> = {};
  for (const name of required) {
    const k = header.indexOf(name.toLowerCase());
    if (k < 0) {
      throw new InputError(
        `${source}:${headerLine + 1}: column "${name}" is missing (header: ${header.join(',')})`,
        `the header must contain ${required.join(',')} (any letter case)`,
      );
    }
    index[name] = k;
  }
  const values: Record<string, number[]> = Object.fromEntries(required.map((n) => [n, [] as number[]]));
  const lines: number[] = [];
  for (let i = headerLine + 1; i < rawLines.length; i++) {
    const t = rawLines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    const cells = splitCsvLine(rawLines[i]);
    if (cells.length < header.length) {
      throw new InputError(`${source}:${i + 1}: ${cells.length} cells, expected ${header.length} as in the header`, 'every row needs one value per header column');
    }
    for (const name of required) {
      const cell = cells[index[name]];
      const v = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new InputError(`${source}:${i + 1}: ${name} = "${cell}" is not a finite number`, `fix or remove line ${i + 1}`);
      }
      values[name].push(v);
    }
    lines.push(i + 1);
  }
  return { columns: Object.fromEntries(required.map((n) => [n, Float64Array.from(values[n])])), lines };
}
