/**
 * `lidtrack fit INCLUSIONS.csv --current CURRENT.csv --model-file MODEL.yaml --out DIR
 *  [--bootstrap N] [--inclusion ID] [--force]`: fit the bipolar-migration model to one
 * inclusion's end tracks. Writes DIR/fit.json, DIR/fit-residuals.csv, DIR/fit-plot.svg and the
 * vega-lite spec DIR/fit-plot.vl.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.js';
import {
  fitInclusion,
  fitReportJson,
  parseInclusionsCsv,
  parseModelFile,
  type InclusionSimulator,
} from '../../fit/index.js';
import { readCurrentLog } from '../../ingest/currentLog/index.js';
import { writeCsvAtomic, writeFileAtomic, writeJsonAtomic } from '../../report/atomic.js';
import { fitPlotSpec, renderVegaLiteSvg } from '../../report/fitPlot.js';

/** Files written by `lidtrack fit`. */
export const FIT_OUTPUT_FILES = ['fit.json', 'fit-residuals.csv', 'fit-plot.svg', 'fit-plot.vl.json'] as const;

const intString = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a non-negative integer`)
    .transform(Number);

const optionsSchema = z.strictObject({
  current: z.string().min(1),
  modelFile: z.string().min(1),
  out: z.string().min(1),
  bootstrap: intString('--bootstrap').optional(),
  inclusion: intString('--inclusion').optional(),
  force: z.boolean().default(false),
});

function readInput(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(`${what}: cannot read ${path}`, 'check the path', { cause: e });
  }
}

/** The Model B simulator when src/model/fv2d exports simulateFv2d; ConfigError otherwise. */
export async function fv2dSimulator(): Promise<InclusionSimulator> {
  try {
    const mod = (await import('../../model/fv2d/index.js')) as Record<string, unknown>;
    if (typeof mod.simulateFv2d === 'function') return mod.simulateFv2d as InclusionSimulator;
  } catch {
    // fall through
  }
  throw new ConfigError('fv2d fitting not available yet', 'use model: reduced in the model file');
}

/** Run the fit command (library form: returns the fit.json object). */
export async function runFitCommand(inclusionsPath: string, raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const opt = i.path.length ? `--${String(i.path[0]).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'options';
    throw new InputError(`${opt}: ${i.message} (got ${JSON.stringify(i.path.reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k as string], raw))})`, 'see `lidtrack fit --help`');
  }
  const o = parsed.data;
  if (!o.force) {
    const existing = FIT_OUTPUT_FILES.filter((f) => existsSync(join(o.out, f)));
    if (existing.length) throw new InputError(`--out ${o.out} already holds fit results (${existing.join(', ')})`, 'pass --force to overwrite or choose another --out');
  }
  const model = parseModelFile(readInput(o.modelFile, '--model-file'), o.modelFile);
  const observations = parseInclusionsCsv(readInput(inclusionsPath, 'INCLUSIONS.csv'), inclusionsPath);
  // Any log the track stage reads: CSV (units in the header), BioLogic .mpt, Gamry .DTA.
  if (!existsSync(o.current)) throw new InputError(`--current: ${o.current} does not exist`, 'check the path of the potentiostat log');
  const log = readCurrentLog(o.current);
  const current = { tS: Float64Array.from(log.samples.map((q) => q.tS)), currentMA: Float64Array.from(log.samples.map((q) => q.currentMA)) };
  const simulate = model.model === 'fv2d' ? await fv2dSimulator() : undefined;
  const result = fitInclusion(observations, current, model, { inclusionId: o.inclusion, bootstrap: o.bootstrap ?? 0, simulate });
  const json = fitReportJson(result);
  writeCsvAtomic(
    join(o.out, 'fit-residuals.csv'),
    ['t_s', 'observable', 'data_um', 'model_um', 'residual_um', 'normalised'],
    result.rows.map((r) => [r.tS, r.observable, r.dataUm, r.modelUm, r.residualUm, r.normalised]),
  );
  const spec = fitPlotSpec(result.rows, `inclusion ${result.inclusionId}: ${model.model} model fit (χ²_red = ${Number(result.fit.chi2Red.toFixed(3))})`);
  writeJsonAtomic(join(o.out, 'fit-plot.vl.json'), spec);
  writeFileAtomic(join(o.out, 'fit-plot.svg'), await renderVegaLiteSvg(spec));
  writeJsonAtomic(join(o.out, 'fit.json'), json);
  return json;
}

export function registerFit(program: Command): void {
  program
    .command('fit')
    .description('fit the bipolar-migration model to an inclusion track: fit.json, fit-residuals.csv, fit-plot.svg')
    .argument('<inclusions>', 'inclusions.csv from `lidtrack track`')
    .requiredOption('--current <file>', 'current log CSV with columns t_s,current_mA (video clock)')
    .requiredOption('--model-file <file>', 'model YAML (SPEC.md "Fit input and output")')
    .requiredOption('--out <dir>', 'output folder')
    .option('--bootstrap <n>', 'parametric bootstrap replicates for the intervals')
    .option('--inclusion <id>', 'inclusion_id to fit (needed when the table holds several)')
    .option('--force', 'overwrite existing results in --out')
    .action(async (inclusions: string, opts: Record<string, unknown>) => {
      const json = await runFitCommand(inclusions, opts);
      const p = json.parameters as Record<string, { value: number | null; ci95: [number, number] | null; unit: string; fixed: boolean }>;
      const line = Object.entries(p)
        .filter(([, v]) => !v.fixed)
        .map(([k, v]) => `${k} = ${v.value}${v.ci95 ? ` [${v.ci95[0]}, ${v.ci95[1]}]` : ''}`)
        .join('; ');
      process.stdout.write(`fit: converged=${json.converged} chi2_red=${json.chi2_red}; ${line}\n`);
    });
}
