/**
 * schemas/pipeline.schema.json: generated from the zod schema, committed, never stale, and
 * faithful: the shipped pipelines validate, and for arbitrary documents the JSON Schema accepts
 * exactly what `lidtrack run` accepts.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pipelineSchema } from '../../src/pipeline/runPipelineFile.js';
import { DEFAULT_SEGMENT_OPTIONS } from '../../src/segment/index.js';
import { DEFAULT_LINK_OPTIONS } from '../../src/track/index.js';
import { PIPELINE_KEY_DESCRIPTIONS, PIPELINE_SCHEMA_PATH, STAGE_DEFAULTS, pipelineJsonSchema, pipelineJsonSchemaText, schemaKeyPaths } from '../../src/pipeline/schema/index.js';
import { validTrackConfig } from './configArbitraries.js';
import { validateJsonSchema } from './jsonSchemaSubset.js';

const committed = readFileSync(PIPELINE_SCHEMA_PATH, 'utf8');
const schema = pipelineJsonSchema();

describe('schemas/pipeline.schema.json', () => {
  it('equals what the generator produces from the zod schema now (regenerate: node --import tsx scripts/gen-schema.ts)', () => {
    expect(committed).toBe(pipelineJsonSchemaText());
  });

  it('the script writes the same text (--check passes on the committed file)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-schema.ts', '--check'], { encoding: 'utf8' });
    expect(out).toMatch(/is up to date/);
  });

  it('every key has a description and the description table names no key the schema lacks', () => {
    const keys = schemaKeyPaths(schema);
    expect(keys).toContain('track.um_per_px');
    expect(keys).toContain('track.segment.high_sigma');
    expect(Object.keys(PIPELINE_KEY_DESCRIPTIONS).filter((k) => k !== '' && !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !(PIPELINE_KEY_DESCRIPTIONS[k] ?? '').trim()), 'keys without a description in src/pipeline/schema/pipelineKeyDescriptions.ts').toEqual([]);
  });

  it('every optional key whose default a stage fills in shows that default; every stage default names a real key', () => {
    const keys = schemaKeyPaths(schema);
    for (const k of Object.keys(STAGE_DEFAULTS)) expect(keys, k).toContain(k);
    const node = (path: string) => path.split('.').reduce<Record<string, unknown>>((n, k) => (n.properties as Record<string, Record<string, unknown>>)[k], schema);
    expect(node('track.segment.high_sigma').default).toBe(DEFAULT_SEGMENT_OPTIONS.highSigma);
    expect(node('track.link.max_gap_frames').default).toBe(DEFAULT_LINK_OPTIONS.maxGapFrames);
    expect(node('track.reference_frames').default).toBe(5); // zod's own default is kept
  });

  it('is strict like the zod schema: additionalProperties false on every object, required input/um_per_px/plating_edge', () => {
    const track = (schema.properties as Record<string, Record<string, unknown>>).track;
    expect(schema.additionalProperties).toBe(false);
    expect(track.additionalProperties).toBe(false);
    expect(track.required).toEqual(['input', 'um_per_px', 'plating_edge']);
    for (const sub of ['roi', 'segment', 'tips', 'link']) expect((track.properties as Record<string, Record<string, unknown>>)[sub].additionalProperties).toBe(false);
  });

  it('every shipped pipeline in pipelines/ validates against it and against the zod schema', () => {
    const files = readdirSync('pipelines').filter((f) => f.endsWith('.yaml'));
    expect(files).toContain('demo.yaml');
    for (const f of files) {
      const doc = parse(readFileSync(join('pipelines', f), 'utf8'));
      expect(validateJsonSchema(schema, doc), f).toEqual([]);
      expect(pipelineSchema.safeParse(doc).success, f).toBe(true);
    }
  });

  it('rejects what lidtrack run rejects: a misspelt key, a string scale, a negative scale, a bad edge, a fractional roi', () => {
    const base = { track: { input: 'v.mp4', um_per_px: 0.5, plating_edge: 'bottom' } };
    expect(validateJsonSchema(schema, base)).toEqual([]);
    expect(validateJsonSchema(schema, { track: { ...base.track, um_per_pix: 0.5 } })).toContain('track.um_per_pix: unknown key');
    expect(validateJsonSchema(schema, { track: { ...base.track, um_per_px: 'half' } })[0]).toMatch(/^track\.um_per_px: expected number/);
    expect(validateJsonSchema(schema, { track: { ...base.track, um_per_px: -1 } })[0]).toMatch(/^track\.um_per_px: ≤ exclusiveMinimum 0/);
    expect(validateJsonSchema(schema, { track: { ...base.track, plating_edge: 'middle' } })[0]).toMatch(/^track\.plating_edge: not one of/);
    expect(validateJsonSchema(schema, { track: { ...base.track, roi: { x: 0.5, y: 0, width: 1, height: 1 } } })[0]).toMatch(/^track\.roi\.x: expected integer/);
  });
});

/** Values of every kind, near the bounds the schema states. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 2, 3, 4, 5, 51, 52, 89, 90, 1000, 0.5, 1e-9, 1e16, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -3, max: 60 }),
  fc.double({ min: -2, max: 60, noNaN: true }),
  fc.boolean(),
  fc.constantFrom('', 'x', 'top', 'bottom', 'left', 'right', 'middle', 'v.mp4'),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);

/** A sub-object whose keys are drawn from the valid ones and a few near misses. */
function objectOf(keys: string[], value: (k: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .uniqueArray(fc.constantFrom(...keys), { maxLength: keys.length })
    .chain((ks) => (ks.length ? fc.tuple(...ks.map((k) => value(k))).map((vs) => Object.fromEntries(ks.map((k, i) => [k, vs[i]]))) : fc.constant({})));
}

const MUTABLE_PATHS = schemaKeyPaths(schema).filter((p) => p.startsWith('track.')).map((p) => p.slice('track.'.length));

/** A copy of `cfg` with `value` at the dotted `path` (creating the parent object if needed). */
function withValue(cfg: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.');
  if (!rest.length) return { ...cfg, [head]: value };
  const parent = cfg[head];
  const obj = typeof parent === 'object' && parent !== null && !Array.isArray(parent) ? (parent as Record<string, unknown>) : {};
  return { ...cfg, [head]: withValue(obj, rest.join('.'), value) };
}

const TRACK_KEYS = Object.keys(((schema.properties as Record<string, Record<string, unknown>>).track.properties) as object);

const trackValue = (k: string): fc.Arbitrary<unknown> => {
  switch (k) {
    case 'roi': return fc.oneof(objectOf(['x', 'y', 'width', 'height', 'w'], () => anyValue), anyValue);
    case 'segment': return fc.oneof(objectOf(['high_sigma', 'low_sigma', 'min_area_px', 'blur_size_px', 'closing_size_px', 'sigma'], () => anyValue), anyValue);
    case 'tips': return fc.oneof(objectOf(['min_prominence_px', 'min_length_px', 'prominence'], () => anyValue), anyValue);
    case 'link': return fc.oneof(objectOf(['gate_px', 'max_gap_frames', 'gate'], () => anyValue), anyValue);
    default: return anyValue;
  }
};

describe('the JSON Schema accepts exactly what the zod schema accepts', () => {
  it('for every key × 30 boundary and wrong-type values, and an unknown key in every object, on a valid base', () => {
    const base = {
      input: 'v.mp4', um_per_px: 0.5, plating_edge: 'bottom', out: 'o', roi: { x: 0, y: 0, width: 10, height: 10 },
      segment: { high_sigma: 6 }, tips: { min_length_px: 3 }, link: { gate_px: 8 },
    };
    expect(pipelineSchema.safeParse({ track: base }).success).toBe(true);
    const values: unknown[] = [
      0, -0, 1, -1, 2, 4, 5, 50, 51, 52, 88.5, 89, 90, 1000, 0.5, 1e-9, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2,
      '', 'x', 'top', 'middle', true, false, null, [], {}, [1, 2], { x: 0, y: 0, width: 1, height: 1 }, { high_sigma: 1 },
    ];
    let checked = 0;
    const disagree: string[] = [];
    for (const path of MUTABLE_PATHS) {
      for (const v of values) {
        const doc = { track: withValue(base, path, v) };
        const zodOk = pipelineSchema.safeParse(doc).success;
        if (zodOk !== (validateJsonSchema(schema, doc).length === 0)) disagree.push(`${path}=${JSON.stringify(v)}: zod ${zodOk ? 'accepts' : 'rejects'}`);
        checked++;
      }
    }
    for (const obj of ['', 'track', 'track.roi', 'track.segment', 'track.tips', 'track.link', 'fit']) {
      const doc = obj ? withValue({ track: base }, `${obj}.extra_key`, 1) : { track: base, extra_key: 1 };
      expect(pipelineSchema.safeParse(doc).success, obj).toBe(false);
      expect(validateJsonSchema(schema, doc).some((e) => e.endsWith('extra_key: unknown key')), obj).toBe(true);
    }
    expect(checked).toBeGreaterThan(800);
    expect(disagree).toEqual([]);
  });

  it('on 1500 arbitrary pipeline documents (valid, near-valid and junk)', () => {
    const doc = fc.oneof(
      // Valid documents (out is optional in a pipeline file).
      fc.record({ description: fc.string(), track: validTrackConfig }, { requiredKeys: ['track'] }),
      // Valid but for one value, at the top of track or in a nested object: finds a bound the
      // JSON Schema misses (or adds) even when every other key is right.
      {
        weight: 4,
        arbitrary: fc.tuple(validTrackConfig, fc.constantFrom(...MUTABLE_PATHS), anyValue).map(([t, path, v]) => ({ track: withValue(t, path, v) })),
      },
      objectOf(['description', 'track', 'tracks'], (k) => (k === 'track' ? objectOf([...TRACK_KEYS, 'um_per_pix', 'fps_'], trackValue) : anyValue)),
      // Mostly-valid documents, so the accepting side is exercised too.
      fc.record({
        track: fc.record(
          {
            input: fc.constantFrom('v.mp4', ''),
            um_per_px: fc.oneof(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), anyValue),
            plating_edge: fc.constantFrom('top', 'bottom', 'left', 'right', 'middle'),
            roi: objectOf(['x', 'y', 'width', 'height'], () => fc.integer({ min: -1, max: 500 })),
            fps: fc.double({ min: -1, max: 100, noNaN: true }),
            reference_frames: fc.integer({ min: 0, max: 60 }),
            segment: objectOf(['high_sigma', 'low_sigma', 'min_area_px'], () => fc.oneof(fc.integer({ min: -1, max: 20 }), fc.double({ min: 0, max: 20, noNaN: true }))),
            min_track_points: fc.integer({ min: 0, max: 10 }),
            rate_window_points: fc.integer({ min: 3, max: 20 }),
            require_growth: fc.boolean(),
          },
          { requiredKeys: ['input', 'um_per_px', 'plating_edge'] },
        ),
      }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(doc, (d) => {
        const zodOk = pipelineSchema.safeParse(d).success;
        const errors = validateJsonSchema(schema, d);
        if (zodOk) accepted++;
        return zodOk === (errors.length === 0);
      }),
      { numRuns: 1500, seed: 8 },
    );
    // Both sides of the equivalence were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(accepted).toBeLessThan(1400);
  });
});
