/**
 * `lidtrack simulate SCENARIO.yaml --out DIR`: render a synthetic operando recording and its
 * exact ground truth (src/render). Thin shell: validates flags, shows progress, prints a summary.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { loadScenario, renderScenario, validateScenario } from '../../render/index.js';

const optionsSchema = z.strictObject({
  out: z.string().min(1),
  force: z.boolean().default(false),
  format: z.enum(['mp4', 'mkv', 'avi', 'tiff', 'png']).optional(),
  quiet: z.boolean().default(false),
});

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('render a synthetic recording with exact ground truth (video + truth.json) from a scenario YAML')
    .argument('<scenario>', 'scenario YAML (see fixtures/README.md)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--force', 'overwrite an earlier simulation in --out')
    .option('--format <fmt>', 'override output.format: mp4 | mkv | avi | tiff | png')
    .option('--quiet', 'no progress bar')
    .action(async (scenarioPath: string, raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const is = parsed.error.issues[0];
        const key = String(is.path[0] ?? '');
        throw new InputError(`--${key}: ${is.message} (got ${JSON.stringify(raw[key])})`, 'run `lidtrack simulate --help`');
      }
      const opts = parsed.data;
      let sc = loadScenario(scenarioPath);
      if (opts.format) sc = validateScenario({ ...sc, output: { ...sc.output, format: opts.format } }, `${scenarioPath} with --format ${opts.format}`);
      const bar =
        !opts.quiet && process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: 'simulate [{bar}] {value}/{total} frames', stream: process.stderr }, cliProgress.Presets.shades_classic)
          : null;
      let started = false;
      const res = await renderScenario(sc, opts.out, {
        force: opts.force,
        onProgress: (done, total) => {
          if (!bar) return;
          if (!started) {
            bar.start(total, 0);
            started = true;
          }
          bar.update(done);
        },
      }).finally(() => bar?.stop());
      if (!opts.quiet)
        process.stdout.write(`simulate: ${res.nFrames} frames in ${res.elapsedS.toFixed(1)} s → ${res.outDir}: ${res.files.join(', ')}\n`);
    });
}
