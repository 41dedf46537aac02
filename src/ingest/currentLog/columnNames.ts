/**
 * Recognise potentiostat column headers and their units, case-insensitively:
 * "t_s", "time/s", "Time (s)", "time [min]", "I/mA", "<I>/mA", "current_mA", "Current (A)",
 * "Ewe/V", "voltage_V", "Ecell/V", "Vf" ... Returns the quantity and the factor that converts
 * the column into the internal unit (s, mA, V).
 */
export type Quantity = 'time' | 'current' | 'voltage';

export interface ColumnMeaning {
  quantity: Quantity;
  /** Multiply the column by this to get s, mA or V. */
  factor: number;
  unit: string;
}

const BASES: Record<Quantity, string[]> = {
  time: ['t', 'time', 'elapsed time', 'elapsed_time', 'time elapsed', 'test time', 'test_time'],
  current: ['i', 'current', 'cell current', 'im'],
  voltage: ['v', 'voltage', 'e', 'ewe', 'ecell', 'cell voltage', 'potential', 'u', 'vf', 'ewe-ece'],
};

const UNITS: Record<Quantity, Record<string, number>> = {
  time: { s: 1, sec: 1, ms: 1e-3, min: 60, h: 3600 },
  current: { a: 1e3, ma: 1, ua: 1e-3, 'µa': 1e-3, 'μa': 1e-3, na: 1e-6 },
  voltage: { v: 1, mv: 1e-3 },
};

/** Split "name/unit", "name_unit", "name (unit)", "name [unit]" into [base, unit|null]. */
export function splitHeader(raw: string): [string, string | null] {
  const h = raw.trim().replace(/^"|"$/g, '').trim().toLowerCase();
  let m = /^(.*?)\s*[([]\s*([^)\]]+?)\s*[)\]]$/.exec(h);
  if (m) return [clean(m[1]), m[2]];
  m = /^(.*?)\s*\/\s*([^/]+)$/.exec(h);
  if (m) return [clean(m[1]), m[2].trim()];
  m = /^(.*)_([^_]+)$/.exec(h);
  if (m && Object.values(UNITS).some((u) => m![2] in u)) return [clean(m[1]), m[2]];
  return [clean(h), null];
}

function clean(s: string): string {
  return s.replace(/[<>]/g, '').trim();
}

/**
 * Meaning of one header; null when it is not time/current/voltage or its unit is unknown.
 * `defaultUnits` supplies the unit of a header that carries none (instrument formats).
 */
export function columnMeaning(raw: string, defaultUnits: Partial<Record<Quantity, string>> = {}): ColumnMeaning | null {
  const [base, unit] = splitHeader(raw);
  for (const q of ['time', 'current', 'voltage'] as Quantity[]) {
    if (!BASES[q].includes(base)) continue;
    const u = unit ?? defaultUnits[q] ?? null;
    if (u === null) return null;
    const f = UNITS[q][u];
    if (f === undefined) return null;
    return { quantity: q, factor: f, unit: u };
  }
  return null;
}
