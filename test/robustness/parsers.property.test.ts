/**
 * Property-based tests (fast-check) of the parsers at lidtrack's entry: configuration (the
 * track/pipeline schema, model files, scenarios) and CSV (timestamps, run-folder tables, current
 * logs, inclusion tables). On arbitrary text they either return a well-formed value or throw a
 * LidtrackError (which the CLI turns into one line and exit 2) — never a TypeError, RangeError
 * or a raw library error, which would be exit 1 with "this is a bug".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ConfigError, InputError, LidtrackError } from '../../src/core/errors.js';
import { editDistance, parseOrThrow } from '../../src/core/validate.js';
import { parseCurrentCsv, parseInclusionsCsv, parseModelFile } from '../../src/fit/index.js';
import { parseTimestampsCsv } from '../../src/ingest/timestampsCsv.js';
import { loadPipeline } from '../../src/pipeline/runPipelineFile.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { parseScenarioYaml } from '../../src/render/index.js';
import { numberCell, parseCsv } from '../../src/report/csvTable.js';
import { NESTED_OBJECTS, validTrackConfig } from './configArbitraries.js';

const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-prop-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run `f`; a LidtrackError is an accepted outcome, anything else thrown fails the property. */
function onlyLidtrackErrors<T>(f: () => T): { value?: T; error?: LidtrackError } {
  try {
    return { value: f() };
  } catch (e) {
    if (e instanceof LidtrackError) {
      // The CLI prints message + hint on one line: neither may be empty or span lines.
      expect(e.message.trim().length).toBeGreaterThan(0);
      return { error: e };
    }
    throw e;
  }
}

/** Text built from the tokens that make CSV and YAML parsers branch, plus arbitrary characters. */
const tokenText = (tokens: string[]) =>
  fc.oneof(
    fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 3 })), { maxLength: 60 }).map((a) => a.join('')),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

const CSV_TOKENS = [
  'frame', 't_s', 'Frame', 'T_S', 'current_mA', 'inclusion_id', 'front_x_um', 'area_um2', ',', ',', '\n', '\n', '\r\n', '\r', '"', '""', '#', ' ', '\uFEFF',
  '0', '1', '2', '3', '10', '-1', '0.5', '1e3', '1e309', '.', 'e', '-', 'NaN', 'nan', 'Infinity', 'abc', 'µm', '\t',
];
const YAML_TOKENS = [
  'track', 'input', 'um_per_px', 'plating_edge', 'out', 'roi', 'segment', 'high_sigma', 'model', 'reduced', 'fv2d', 'shape', 'strip', 'bounds', 'fit', 'fixed',
  'h_ext_um', 'seed', 'frame', 'timing', 'fps', 'n_frames', 'scene', 'dendrites', 'inclusions', 'width_px', 'height_px',
  ': ', ':', '\n', '\n  ', '\n    ', '- ', '[', ']', '{', '}', ', ', '"', "'", '#', '|', '>', '? ', '!!str ', '!!binary ', '!!int ', '!foo ', '&a ', '<<: ',
  '~', 'null', 'true', 'no', '0', '1', '-1', '0.5', '.inf', '.nan', '1e400', '0x10', '---\n', '...\n', '%YAML 1.2\n', '\t',
];

describe('track configuration (trackConfigSchema via parseOrThrow)', () => {
  it('an unknown key anywhere is a ConfigError that names it, and a near miss gets the nearest valid key suggested', () => {
    const shapes: Record<string, string[]> = {
      '': Object.keys(trackConfigSchema.shape),
      roi: ['x', 'y', 'width', 'height'],
      segment: ['high_sigma', 'low_sigma', 'min_area_px', 'blur_size_px', 'closing_size_px', 'dendrite_contrast'],
      tips: ['min_prominence_px', 'min_length_px'],
      link: ['gate_px', 'max_gap_frames'],
    };
    fc.assert(
      fc.property(validTrackConfig, fc.constantFrom(...NESTED_OBJECTS), fc.string({ minLength: 1, maxLength: 16 }), fc.jsonValue({ maxDepth: 1 }), (cfg, where, key, value) => {
        fc.pre(!shapes[where].includes(key));
        const parent = where ? { ...((cfg[where] as object | undefined) ?? (where === 'roi' ? { x: 0, y: 0, width: 1, height: 1 } : {})) } : cfg;
        Object.defineProperty(parent, key, { value, enumerable: true, configurable: true, writable: true });
        const doc = where ? { ...cfg, [where]: parent } : parent;
        const full = where ? `${where}.${key}` : key;
        const { error } = onlyLidtrackErrors(() => parseOrThrow(trackConfigSchema, doc, 'p.yaml'));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error!.message).toBe(`p.yaml: unknown key ${full}`);
        const suggested = /did you mean (\S+)\?/.exec(error!.hint)?.[1];
        if (suggested) {
          const s = suggested.split('.').pop()!;
          expect(shapes[where]).toContain(s);
          // nothing valid is nearer than the suggestion
          for (const k of shapes[where]) expect(editDistance(key.toLowerCase(), s.toLowerCase())).toBeLessThanOrEqual(editDistance(key.toLowerCase(), k.toLowerCase()));
        } else {
          expect(error!.hint).toMatch(/^valid keys: /);
        }
      }),
      { numRuns: 400, seed: 81 },
    );
  });

  it('a one-letter typo of a valid key is always answered with a suggestion', () => {
    const keys = Object.keys(trackConfigSchema.shape).filter((k) => k.length >= 4);
    fc.assert(
      fc.property(validTrackConfig, fc.constantFrom(...keys), fc.nat(), fc.constantFrom('drop', 'swap', 'sub'), (cfg, key, at, kind) => {
        const i = at % key.length;
        const typo = kind === 'drop' ? key.slice(0, i) + key.slice(i + 1) : kind === 'sub' ? key.slice(0, i) + (key[i] === 'q' ? 'z' : 'q') + key.slice(i + 1) : i + 1 < key.length ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2) : key + 's';
        fc.pre(!keys.includes(typo) && typo !== key && !(typo in trackConfigSchema.shape));
        const doc: Record<string, unknown> = { ...cfg };
        const v = doc[key] ?? 1;
        delete doc[key];
        doc[typo] = v;
        const { error } = onlyLidtrackErrors(() => parseOrThrow(trackConfigSchema, doc, 'p.yaml'));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error!.message).toBe(`p.yaml: unknown key ${typo}`);
        expect(error!.hint).toMatch(/^did you mean \S+\?$/);
      }),
      { numRuns: 300, seed: 82 },
    );
  });

  it('any valid configuration parses, is a fixed point, and survives a YAML round trip unchanged', () => {
    fc.assert(
      fc.property(validTrackConfig, (cfg) => {
        const once = parseOrThrow(trackConfigSchema, cfg, 'p.yaml');
        expect(parseOrThrow(trackConfigSchema, once, 'p.yaml')).toEqual(once);
        const again = parseOrThrow(trackConfigSchema, parseYaml(stringifyYaml(once)), 'p.yaml');
        expect(again).toEqual(once);
        // defaults are filled in
        expect(once.reference_frames).toBeGreaterThanOrEqual(1);
        expect(typeof once.force).toBe('boolean');
      }),
      { numRuns: 200, seed: 83 },
    );
  });

  it('any JSON value is either a valid configuration or one ConfigError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), validTrackConfig.chain((c) => fc.dictionary(fc.constantFrom(...Object.keys(c)), fc.jsonValue({ maxDepth: 1 })).map((d) => ({ ...c, ...d })))), (doc) => {
        const { error } = onlyLidtrackErrors(() => parseOrThrow(trackConfigSchema, doc, 'p.yaml'));
        if (error) expect(error).toBeInstanceOf(ConfigError);
      }),
      { numRuns: 400, seed: 84 },
    );
  });
});

describe('pipeline, model and scenario YAML: arbitrary text → a value or a LidtrackError', () => {
  // Aliases (*name) are left out: `lidtrack run` on an unresolved alias or an alias bomb is
  // exit 1 today (see the robustness report); add '*a ' to YAML_TOKENS once loadPipeline
  // wraps doc.toJS() in a ConfigError.
  it('loadPipeline (pipeline file)', () => {
    const file = join(tmp, 'p.yaml');
    fc.assert(
      fc.property(tokenText(YAML_TOKENS), (text) => {
        writeFileSync(file, text);
        onlyLidtrackErrors(() => loadPipeline(file, [], 'o'));
      }),
      { numRuns: 150, seed: 85 },
    );
  });

  it('loadPipeline on arbitrary YAML documents (structure rather than syntax)', () => {
    const file = join(tmp, 'q.yaml');
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ track: fc.jsonValue({ maxDepth: 2 }) })), (doc) => {
        writeFileSync(file, stringifyYaml(doc));
        const { error } = onlyLidtrackErrors(() => loadPipeline(file, [], 'o'));
        if (error) expect(error).toBeInstanceOf(ConfigError);
      }),
      { numRuns: 200, seed: 86 },
    );
  });

  it('parseModelFile (fit model file)', () => {
    fc.assert(fc.property(fc.oneof(tokenText([...YAML_TOKENS, '*a ']), fc.jsonValue({ maxDepth: 3 }).map((v) => stringifyYaml(v))), (text) => void onlyLidtrackErrors(() => parseModelFile(text, 'm.yaml'))), { numRuns: 300, seed: 87 });
  });

  it('parseScenarioYaml (simulate scenario)', () => {
    fc.assert(fc.property(fc.oneof(tokenText([...YAML_TOKENS, '*a ']), fc.jsonValue({ maxDepth: 3 }).map((v) => stringifyYaml(v))), (text) => void onlyLidtrackErrors(() => parseScenarioYaml(text, 's.yaml', tmp))), { numRuns: 300, seed: 88 });
  });
});

describe('timestamps CSV (--timestamps)', () => {
  it('arbitrary text: finite, strictly increasing times for frames 0..n-1, or an InputError', () => {
    fc.assert(
      fc.property(fc.oneof(tokenText(CSV_TOKENS), fc.array(fc.tuple(fc.integer({ min: -1, max: 5 }), fc.oneof(fc.double(), fc.constantFrom('', 'x', '1e3'))), { maxLength: 8 }).map((rows) => 'frame,t_s\n' + rows.map(([a, b]) => `${a},${b}`).join('\n'))), (text) => {
        const { value, error } = onlyLidtrackErrors(() => parseTimestampsCsv(text, 'ts.csv'));
        if (error) {
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toMatch(/^ts\.csv /);
        } else {
          expect(value!.length).toBeGreaterThan(0);
          value!.forEach((t, i) => {
            expect(Number.isFinite(t)).toBe(true);
            if (i > 0) expect(t).toBeGreaterThan(value![i - 1]);
          });
        }
      }),
      { numRuns: 1000, seed: 89 },
    );
  });

  it('well-formed files give back exactly the times written (any line ending, comments, BOM, extra columns)', () => {
    const times = fc.uniqueArray(fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((t) => t + 0), { minLength: 1, maxLength: 30 }).map((a) => [...a].sort((x, y) => x - y)).filter((a) => a.every((t, i) => i === 0 || t > a[i - 1]));
    fc.assert(
      fc.property(times, fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean(), (ts, eol, bom, extra) => {
        const lines = [(bom ? '\uFEFF' : '') + `frame,t_s${extra ? ',exposure_ms' : ''}`, '# acquisition log', ...ts.map((t, i) => `${i},${t}${extra ? ',20' : ''}`), ''];
        expect(parseTimestampsCsv(lines.join(eol), 'ts.csv')).toEqual(ts);
      }),
      { numRuns: 300, seed: 90 },
    );
  });

  it('a bad row is reported with its own line number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.nat(), fc.constantFrom('abc', '', 'NaN', '2e', '1..5', 'Infinity'), (n, k, bad) => {
        const row = k % n;
        const lines = ['frame,t_s', ...Array.from({ length: n }, (_, i) => `${i},${i === row ? bad : i * 0.5}`)];
        const { error } = onlyLidtrackErrors(() => parseTimestampsCsv(lines.join('\n'), 'ts.csv'));
        expect(error).toBeInstanceOf(InputError);
        expect(error!.message).toMatch(new RegExp(`^ts\\.csv line ${row + 2}: `));
      }),
      { numRuns: 200, seed: 91 },
    );
  });
});

/** RFC 4180 cell: quoted when it holds a comma, a quote or a line break. */
const csvCell = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

describe('run-folder CSV reader (src/report/csvTable.ts)', () => {
  it('arbitrary text: a rectangular table with increasing line numbers, or an InputError naming the file', () => {
    fc.assert(
      fc.property(tokenText(CSV_TOKENS), (text) => {
        const { value, error } = onlyLidtrackErrors(() => parseCsv(text, 'tracks.csv'));
        if (error) {
          expect(error).toBeInstanceOf(InputError);
          expect(error.message).toMatch(/^tracks\.csv[:]/);
          return;
        }
        const t = value!;
        expect(new Set(t.header).size).toBe(t.header.length);
        let last = t.units ? 2 : 1;
        for (const r of t.rows) {
          expect(r.cells).toHaveLength(t.header.length);
          expect(r.line).toBeGreaterThan(last);
          last = r.line;
          r.cells.forEach((_, c) => void onlyLidtrackErrors(() => numberCell(t, r, c, c % 2 === 0)));
        }
      }),
      { numRuns: 1000, seed: 92 },
    );
  });

  it('quoted cells with commas, quotes and line breaks come back unchanged, with the line each record starts on', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'µ', '1'), maxLength: 8 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(cell, { minLength: 4, maxLength: 4 }), { maxLength: 10 }), fc.constantFrom('\n', '\r\n'), (nExtra, rows, eol) => {
        const header = ['id', ...Array.from({ length: nExtra }, (_, i) => `c${i}`)];
        // a numeric first column keeps the first row from being taken as a units row
        const records = rows.map((r, i) => [String(i), ...r.slice(0, nExtra)]);
        let line = 2;
        const expectedLines: number[] = [];
        const text = [header.join(','), ...records.map((r) => r.map(csvCell).join(','))].map((rec, i) => {
          if (i > 0) {
            expectedLines.push(line);
            line += 1 + (rec.match(/\n/g)?.length ?? 0);
          }
          return rec;
        }).join(eol) + eol;
        const t = parseCsv(text, 'x.csv');
        expect(t.header).toEqual(header);
        expect(t.units).toBeNull();
        expect(t.rows.map((r) => r.cells)).toEqual(records);
        expect(t.rows.map((r) => r.line)).toEqual(expectedLines);
      }),
      { numRuns: 300, seed: 93 },
    );
  });
});

describe('fit inputs: current log and inclusions table', () => {
  it('parseCurrentCsv and parseInclusionsCsv: arbitrary text → a value or an InputError', () => {
    fc.assert(
      fc.property(tokenText(CSV_TOKENS), (text) => {
        const a = onlyLidtrackErrors(() => parseCurrentCsv(text, 'current.csv'));
        if (a.value) {
          const { tS, currentMA } = a.value;
          expect(tS.length).toBe(currentMA.length);
          for (let i = 1; i < tS.length; i++) expect(tS[i]).toBeGreaterThan(tS[i - 1]);
        }
        onlyLidtrackErrors(() => parseInclusionsCsv(text, 'inclusions.csv'));
      }),
      { numRuns: 1000, seed: 94 },
    );
  });
});
