/**
 * A SLURM job-array script for a batch: one array task per manifest row, each running
 * `lidtrack batch MANIFEST --only-index $SLURM_ARRAY_TASK_ID` (0-based), then, once all tasks
 * have ended, `lidtrack batch MANIFEST --collect` merges the results (submit it as a dependent
 * job: the script prints the command). Paths are absolute so the script runs from anywhere on
 * a shared file system.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../report/atomic.js';
import type { BatchManifest } from './batchManifest.js';
import { LIDTRACK_BIN } from './runBatch.js';
import { makeDirs } from '../../core/makeDirs.js';

export interface SlurmOptions {
  /** Cores per array task (OpenCV.js work + ffmpeg decode: 2 is right). */
  cpusPerTask?: number;
  /** Memory per task, SLURM syntax [e.g. "4G"]. */
  mem?: string;
  /** Wall-time limit per task, SLURM syntax [e.g. "02:00:00"]. */
  time?: string;
  /** Max tasks running at once (the %N of --array). */
  maxConcurrent?: number;
  /** Partition, if the cluster needs one. */
  partition?: string;
  /** Pass --no-report to the tasks. */
  report?: boolean;
  /** Node.js executable on the compute nodes (default: this one; override with $LIDTRACK_NODE). */
  nodePath?: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The text of the job-array script. */
export function slurmScript(m: BatchManifest, o: SlurmOptions = {}): string {
  const n = m.entries.length;
  const array = `0-${n - 1}${o.maxConcurrent ? `%${o.maxConcurrent}` : ''}`;
  const node = o.nodePath ?? process.execPath;
  const lines = [
    '#!/bin/bash',
    `# lidtrack batch as a SLURM job array: ${n} recording(s) from ${m.source}`,
    '# Submit:   jid=$(sbatch --parsable THIS_SCRIPT)',
    `# Collect:  sbatch --dependency=afterany:$jid --wrap "${node} ${LIDTRACK_BIN} batch ${m.source} --out ${m.outDir} --collect"`,
    `#           (or run: lidtrack batch ${m.source} --out ${m.outDir} --collect)`,
    '#SBATCH --job-name=lidtrack-batch',
    `#SBATCH --array=${array}`,
    `#SBATCH --cpus-per-task=${o.cpusPerTask ?? 2}`,
    `#SBATCH --mem=${o.mem ?? '4G'}`,
    `#SBATCH --time=${o.time ?? '04:00:00'}`,
    `#SBATCH --output=${m.outDir}/logs/slurm-%A_%a.out`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    'set -euo pipefail',
    ': "${SLURM_ARRAY_TASK_ID:?this script is a SLURM array job: submit it with sbatch, or set SLURM_ARRAY_TASK_ID}"',
    `NODE="\${LIDTRACK_NODE:-${node}}"`,
    `mkdir -p ${q(m.outDir + '/logs')}`,
    `exec "$NODE" ${q(LIDTRACK_BIN)} batch ${q(m.source)} --out ${q(m.outDir)} --only-index "$SLURM_ARRAY_TASK_ID" --jobs 1${o.report === false ? ' --no-report' : ''}`,
    '',
  ];
  return lines.join('\n');
}

/**
 * Write the script (mode 0755) and create `<outDir>/logs`: SLURM opens each task's --output
 * file before the script runs, so the folder must exist at submission.
 */
export function writeSlurmScript(path: string, m: BatchManifest, o: SlurmOptions = {}): void {
  makeDirs(join(m.outDir, 'logs'));
  writeFileAtomic(path, slurmScript(m, o));
  chmodSync(path, 0o755);
}
