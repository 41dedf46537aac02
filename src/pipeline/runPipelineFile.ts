/**
 * `lidtrack run PIPELINE.yaml [--set key=value ...] [--out DIR]`: a YAML pipeline is the
 * configuration of a `track` run (same keys as the flags, snake_case), optionally followed by
 * a `fit` step. Relative paths in the file are relative to the file's folder... except `out`,
 * which is relative to the current directory (users expect runs/ beside them).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { yaml } from '../core/lazyYaml.js';
import { z } from 'zod';
import { ConfigError, InputError } from '../core/errors.js';
import { parseOrThrow } from '../core/validate.js';
import { runTrack, type TrackHooks, type TrackResult } from './runTrack.js';
import { trackConfigSchema } from './trackConfig.js';

export const pipelineSchema = z.strictObject({
  description: z.string().optional(),
  track: trackConfigSchema.partial({ out: true }),
  /** Optional: fit the forward model to the tracked inclusion (needs track.current). */
  fit: z
    .strictObject({
      model_file: z.string().min(1),
      inclusion: z.number().int().positive().optional(),
      bootstrap: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

export interface PipelineResult {
  track: TrackResult;
  fit: Record<string, unknown> | null;
}

/** Apply `--set a.b=value` overrides (value parsed as YAML scalar). */
export function applySets(doc: Record<string, unknown>, sets: string[]): void {
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new InputError(`--set expects key=value (got "${s}")`, 'e.g. --set track.um_per_px=0.5');
    const path = s.slice(0, eq).split('.');
    const raw = s.slice(eq + 1);
    let value: unknown;
    try {
      value = yaml().parseDocument(raw).toJS();
    } catch {
      value = raw;
    }
    let cur = doc;
    for (const k of path.slice(0, -1)) {
      if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    cur[path[path.length - 1]] = value;
  }
}

export function loadPipeline(file: string, sets: string[] = [], outOverride?: string): z.output<typeof pipelineSchema> & { track: { out: string } } {
  if (!existsSync(file)) throw new InputError(`pipeline file ${file} does not exist`, 'check the path, e.g. pipelines/demo.yaml');
  const text = readFileSync(file, 'utf8');
  const doc = yaml().parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new ConfigError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax at that line');
  }
  let raw: Record<string, unknown>;
  try {
    raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new ConfigError(`${file}: ${(e as Error).message.split('\n')[0]}`, 'define each anchor (&name) before its alias (*name)', { cause: e });
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: expected a mapping at the top level`, 'see pipelines/demo.yaml');
  applySets(raw, sets);
  const p = parseOrThrow(pipelineSchema, raw, file);
  const base = dirname(resolve(file));
  const rel = (x: string | undefined) => (x === undefined || isAbsolute(x) ? x : resolve(base, x));
  const out = outOverride ?? p.track.out;
  if (!out) throw new ConfigError(`${file}: track.out is missing`, 'add track.out to the file or pass --out DIR');
  if (p.fit && !p.track.current) throw new ConfigError(`${file}: fit needs track.current (the potentiostat log)`, 'add track.current: CURRENT.csv');
  return {
    ...p,
    fit: p.fit ? { ...p.fit, model_file: rel(p.fit.model_file)! } : undefined,
    track: { ...p.track, input: rel(p.track.input)!, timestamps: rel(p.track.timestamps), current: rel(p.track.current), out },
  };
}

export async function runPipelineFile(file: string, sets: string[], outOverride: string | undefined, hooks: TrackHooks = {}): Promise<PipelineResult> {
  const p = loadPipeline(file, sets, outOverride);
  const track = await runTrack(p.track, hooks);
  let fit: Record<string, unknown> | null = null;
  if (p.fit && track.status === 'complete') {
    // the fit writes into DIR/fit/ beside the track results
    const { runFitCommand } = await import('../cli/commands/fit.js');
    fit = await runFitCommand(join(track.outDir, 'inclusions.csv'), {
      current: join(track.outDir, 'current.csv'),
      modelFile: p.fit.model_file,
      out: join(track.outDir, 'fit'),
      force: true,
      ...(p.fit.inclusion !== undefined ? { inclusion: String(p.fit.inclusion) } : {}),
      ...(p.fit.bootstrap !== undefined ? { bootstrap: String(p.fit.bootstrap) } : {}),
    });
  }
  return { track, fit };
}
