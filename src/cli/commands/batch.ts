/**
 * `lidtrack batch FOLDER_OR_MANIFEST [--jobs N] [--out DIR]` — track many recordings, each with
 * its own options, N at a time; resumable; combined tables. `--emit-slurm FILE` writes a SLURM
 * job-array script instead, `--only-index I` runs one manifest row (what each array task
 * does), `--collect` only merges finished results. See src/pipeline/batch/README.md.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { collectBatch, readBatchManifest, runBatch, writeSlurmScript, type EntryOutcome } from '../../pipeline/batch/index.js';
import { installInterrupt } from '../interrupt.js';

interface BatchFlags {
  jobs?: string;
  out?: string;
  onlyIndex?: string;
  collect?: boolean;
  emitSlurm?: string;
  rerun?: boolean;
  report?: boolean;
  slurmTime?: string;
  slurmMem?: string;
  slurmPartition?: string;
  slurmMaxConcurrent?: string;
  slurmCpus?: string;
}

const intFlag = (flag: string, raw: string | undefined, min: number): number | undefined => {
  if (raw === undefined) return undefined;
  const r = z.coerce.number().int().min(min).safeParse(raw.trim() === '' ? NaN : raw);
  if (!r.success) throw new InputError(`${flag} must be a whole number ≥ ${min} (got "${raw}")`, `e.g. ${flag} ${min === 0 ? 0 : 2}`);
  return r.data;
};

function line(o: EntryOutcome): string {
  const e = o.entry;
  if (o.status === 'skipped') return `[${e.index}] ${e.recording}: already complete, skipped`;
  if (o.status === 'complete') return `[${e.index}] ${e.recording}: complete in ${o.elapsedS.toFixed(1)} s → ${e.out}`;
  return `[${e.index}] ${e.recording}: FAILED (${o.error})${o.log ? ` — log: ${o.log}` : ''}`;
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('track many recordings (manifest CSV/YAML or a folder with lidtrack-batch.yaml) in parallel, resumable; combined all_tracks.csv / all_summary.csv')
    .argument('<folder_or_manifest>', 'manifest (.csv/.yaml: path, um_per_px, plating_edge, current, out…) or a folder of recordings with lidtrack-batch.yaml')
    .option('--jobs <N>', 'recordings tracked at once', '1')
    .option('--out <DIR>', 'combined results folder (default: <manifest folder>/lidtrack-batch); per-recording results go to DIR/<recording> unless the row has out')
    .option('--only-index <I>', 'run only manifest row I (0-based; what each SLURM array task runs); no combined tables')
    .option('--collect', 'do not track: merge the finished results into the combined tables')
    .option('--emit-slurm <FILE>', 'do not track: write a SLURM job-array script (one task per row) to FILE')
    .option('--slurm-cpus <N>', 'cores per array task', '2')
    .option('--slurm-time <T>', 'wall-time limit per array task (SLURM syntax)', '04:00:00')
    .option('--slurm-mem <M>', 'memory per array task (SLURM syntax)', '4G')
    .option('--slurm-partition <P>', 'SLURM partition')
    .option('--slurm-max-concurrent <N>', 'array tasks running at once')
    .option('--rerun', 're-track recordings that are already complete')
    .option('--no-report', 'skip figures and report.html of each recording')
    .action(async (source: string, f: BatchFlags) => {
      const jobs = intFlag('--jobs', f.jobs, 1)!;
      const only = intFlag('--only-index', f.onlyIndex, 0);
      const modes = [f.collect && '--collect', f.emitSlurm !== undefined && '--emit-slurm', only !== undefined && '--only-index'].filter(Boolean);
      if (modes.length > 1) throw new InputError(`${modes.join(' and ')} cannot be combined`, 'use one of them per call');
      const m = readBatchManifest(source, f.out);
      if (only !== undefined && only >= m.entries.length) {
        throw new InputError(`--only-index must be below the number of manifest rows (${m.entries.length}) (got ${only})`, `rows are numbered 0…${m.entries.length - 1}`);
      }
      if (f.emitSlurm !== undefined) {
        writeSlurmScript(f.emitSlurm, m, {
          cpusPerTask: intFlag('--slurm-cpus', f.slurmCpus, 1), time: f.slurmTime, mem: f.slurmMem, partition: f.slurmPartition,
          maxConcurrent: intFlag('--slurm-max-concurrent', f.slurmMaxConcurrent, 1), report: f.report,
        });
        process.stdout.write(`SLURM job array of ${m.entries.length} task(s) → ${f.emitSlurm}\n  submit: jid=$(sbatch --parsable ${f.emitSlurm})\n  then:   lidtrack batch ${source} --out ${m.outDir} --collect   (or sbatch --dependency=afterany:$jid …)\n`);
        return;
      }
      if (!f.collect) {
        const intr = installInterrupt();
        let outcomes: EntryOutcome[];
        try {
          outcomes = await runBatch(m, {
            jobs, only: only !== undefined ? [only] : undefined, report: f.report ?? true, rerun: f.rerun ?? false,
            shouldStop: intr.shouldStop,
            onEvent: (ev) => {
              if (ev.kind === 'start') process.stderr.write(`[${ev.entry.index}] ${ev.entry.recording}: tracking${ev.reason && ev.reason !== 'no results yet' ? ` (${ev.reason})` : ''}…\n`);
              else if (ev.outcome) process.stderr.write(line(ev.outcome) + '\n');
            },
          });
        } finally {
          intr.dispose();
        }
        const failed = outcomes.filter((o) => o.status === 'failed');
        const n = (s: string) => outcomes.filter((o) => o.status === s).length;
        process.stdout.write(`${n('complete')} tracked, ${n('skipped')} skipped (already complete), ${failed.length} failed\n`);
        if (failed.length) process.exitCode = 1;
        if (intr.interrupted()) process.exitCode = 130;
        if (only !== undefined) return;
      }
      const c = collectBatch(m);
      process.stdout.write(`combined ${c.merged.length}/${m.entries.length} recording(s), ${c.nTracks} dendrite track(s) → ${m.outDir}/all_tracks.csv, all_summary.csv\n`);
      if (c.missing.length) {
        process.stdout.write(`not merged (no complete results): ${c.missing.map((x) => `${x.recording} (${x.status})`).join(', ')}\n`);
        if (f.collect) process.exitCode = 1;
      }
    });
}
