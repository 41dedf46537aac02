/**
 * Units for lidtrack's CSV columns, derived in one place from the unit suffix of the column
 * name (`length_um` → µm), and an optional second header line carrying them. Origin reads such
 * a line as "Units"; Excel and pandas users can skip it (`skiprows=[1]`).
 */
import { csvNumber, writeFileAtomic } from './atomic.js';

/** Column-name suffix → unit label, longest suffix first so `_um_per_s` wins over `_s`. */
const SUFFIX_UNITS: ReadonlyArray<readonly [string, string]> = [
  ['_A_per_cm2', 'A/cm²'],
  ['_mA_per_cm2', 'mA/cm²'],
  ['_mS_per_cm', 'mS/cm'],
  ['_um_per_s', 'µm/s'],
  ['_px_per_s', 'px/s'],
  ['_um2', 'µm²'],
  ['_px2', 'px²'],
  ['_um', 'µm'],
  ['_px', 'px'],
  ['_mA', 'mA'],
  ['_mV', 'mV'],
  ['_V', 'V'],
  ['_K', 'K'],
  ['_s', 's'],
  ['_deg', '°'],
];

/** Dimensionless or index columns, for which the units cell is left empty. */
const NO_UNIT = new Set(['track_id', 'inclusion_id', 'frame', 'id', 'n_points', 'current_sign']);

/**
 * The unit of a lidtrack CSV column from its name ("" when dimensionless or unknown).
 * @example unitForColumn('velocity_um_per_s') === 'µm/s'
 */
export function unitForColumn(column: string): string {
  if (NO_UNIT.has(column)) return '';
  const base = column.replace(/_(lo|hi|ci95_lo|ci95_hi|sigma|err)$/, '');
  for (const [suffix, unit] of SUFFIX_UNITS) {
    if (base.endsWith(suffix) || column.endsWith(suffix)) return unit;
  }
  return '';
}

/**
 * CSV text with an optional units row under the header.
 * @param header column names
 * @param rows data cells (numbers are formatted with {@link csvNumber})
 * @param opts.unitsRow add the units line (default false); `units` overrides the derived units
 */
export function csvWithUnitsRow(
  header: string[],
  rows: Array<Array<string | number>>,
  opts: { unitsRow?: boolean; units?: string[] } = {},
): string {
  const esc = (c: string | number): string => {
    const s = typeof c === 'number' ? csvNumber(c) : c;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [header.map(esc).join(',')];
  if (opts.unitsRow) lines.push((opts.units ?? header.map(unitForColumn)).map(esc).join(','));
  for (const r of rows) lines.push(r.map(esc).join(','));
  return lines.join('\n') + '\n';
}

/** Write {@link csvWithUnitsRow} atomically. */
export function writeCsvWithUnitsAtomic(
  path: string,
  header: string[],
  rows: Array<Array<string | number>>,
  opts: { unitsRow?: boolean; units?: string[] } = {},
): void {
  writeFileAtomic(path, csvWithUnitsRow(header, rows, opts));
}
