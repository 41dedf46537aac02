/**
 * `lidtrack compare SIMULATED_DIR MEASURED_DIR --out DIR [--match nearest|id] [--um-per-px S]
 *  [--force]`: residuals of a simulation (a `lidtrack simulate` folder, or a run folder of a
 * rendered-and-tracked simulation) against a measurement (a `lidtrack track` run folder).
 * Writes DIR/compare-residuals.csv, DIR/compare.json, DIR/compare-plot.svg (+ .vl.json).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { COMPARE_OUTPUT_FILES, writeCompare, type CompareResult } from '../../pipeline/compare.js';

const optionsSchema = z.strictObject({
  out: z.string().min(1),
  match: z.enum(['nearest', 'id']).default('nearest'),
  umPerPx: z.string().regex(/^\d*\.?\d+(e-?\d+)?$/i, 'must be a positive number').transform(Number).refine((x) => x > 0, 'must be > 0').optional(),
  force: z.boolean().default(false),
});

/** Library form of the command: validates the options, compares, writes; returns compare.json. */
export async function runCompareCommand(simulatedDir: string, measuredDir: string, raw: Record<string, unknown>): Promise<CompareResult> {
  const parsed = optionsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    const opt = i.path.length ? `--${String(i.path[0]).replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}` : 'options';
    const got = i.path.length ? raw[String(i.path[0])] : raw;
    throw new InputError(`${opt}: ${i.message} (got ${JSON.stringify(got)})`, 'see `lidtrack compare --help`');
  }
  const o = parsed.data;
  if (!o.force) {
    const existing = COMPARE_OUTPUT_FILES.filter((f) => existsSync(join(o.out, f)));
    if (existing.length) throw new InputError(`--out ${o.out} already holds comparison results (${existing.join(', ')})`, 'pass --force to overwrite or choose another --out');
  }
  return writeCompare(simulatedDir, measuredDir, o.out, { match: o.match, umPerPx: o.umPerPx });
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('residuals of a simulation against a measurement: compare-residuals.csv, compare.json, compare-plot.svg')
    .argument('<simulated>', 'simulated folder: `lidtrack simulate` output (truth_*.csv) or a run folder')
    .argument('<measured>', 'measured run folder (inclusions.csv and/or tracks.csv)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--match <how>', 'pair objects by nearest mean distance (default) or by equal id', 'nearest')
    .option('--um-per-px <s>', 'scale for px-equivalent RMSE when neither folder records it')
    .option('--force', 'overwrite existing results in --out')
    .action(async (simulated: string, measured: string, opts: Record<string, unknown>) => {
      const r = await runCompareCommand(simulated, measured, opts);
      const line = Object.entries(r.overall)
        .map(([k, v]) => `${k} RMSE ${Number(v.rmse_um.toPrecision(3))} ${v.unit}${v.rmse_px !== null ? ` (${Number(v.rmse_px.toPrecision(3))} px${v.unit === "um2" ? "²" : ""})` : ""} n=${v.n}`)
        .join('; ');
      process.stdout.write(`compare: ${r.matches.length} matched; ${line}\n`);
    });
}
