/**
 * Turn a zod failure into one ConfigError line that names the key, the rule, the value and
 * the fix; unknown keys get the nearest valid key suggested.
 */
import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** Levenshtein distance (small strings). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

export function nearest(word: string, options: readonly string[]): string | null {
  let best: string | null = null, bd = Infinity;
  for (const o of options) {
    const dd = editDistance(word.toLowerCase(), o.toLowerCase());
    if (dd < bd) { bd = dd; best = o; }
  }
  return best !== null && bd <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function valueAt(obj: unknown, path: PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) {
    if (cur && typeof cur === 'object') cur = (cur as Record<PropertyKey, unknown>)[k];
    else return undefined;
  }
  return cur;
}

/**
 * Parse `value` with `schema` or throw a ConfigError.
 * @param where the file or "command line", used in the message
 * @param keyName how keys are shown (YAML keys or --flags)
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string, keyName: (path: string) => string = (p) => p): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  // An unknown key is usually a misspelt one: report it first (its 'missing' twin follows from it).
  const issue = r.error.issues.find((i) => i.code === 'unrecognized_keys') ?? r.error.issues[0];
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const parent = issue.path;
    const shape = (schemaShapeAt(schema, parent) ?? []) as string[];
    const k = issue.keys[0];
    const near = nearest(k, shape);
    const full = [...parent.map(String), k].join('.');
    throw new ConfigError(`${where}: unknown key ${keyName(full)}`, near ? `did you mean ${keyName([...parent.map(String), near].join('.'))}?` : `valid keys: ${shape.join(', ')}`);
  }
  const got = valueAt(value, issue.path);
  const shown = got === undefined ? 'nothing' : typeof got === 'number' && !Number.isFinite(got) ? String(got) : JSON.stringify(got);
  const what = got === undefined ? 'is required' : issue.message.replace(/^Invalid input: /, '');
  throw new ConfigError(`${where}: ${keyName(path || '(root)')} ${what} (got ${shown})`, 'fix the value and run again');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function schemaShapeAt(schema: any, path: PropertyKey[]): string[] | null {
  let s = schema;
  for (const k of path) {
    s = unwrap(s);
    if (!s?.shape) return null;
    s = s.shape[k as string];
  }
  s = unwrap(s);
  return s?.shape ? Object.keys(s.shape) : null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unwrap(s: any): any {
  let cur = s;
  for (let i = 0; i < 5 && cur && !cur.shape && cur.def?.innerType; i++) cur = cur.def.innerType;
  return cur;
}
