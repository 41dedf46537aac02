/** `lidtrack run PIPELINE.yaml [--set key=value ...] [--out DIR] [--force] [--resume]` */
import type { Command } from 'commander';
import { runPipelineFile } from '../../pipeline/runPipelineFile.js';
import { installInterrupt } from '../interrupt.js';
import { makeProgress } from '../progressBar.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a YAML pipeline (see pipelines/demo.yaml)')
    .argument('<pipeline>', 'pipeline YAML file')
    .option('--set <key=value...>', 'override a key, e.g. --set track.um_per_px=0.5', (v: string, prev: string[] = []) => [...prev, v])
    .option('--out <DIR>', 'results folder (overrides track.out)')
    .option('--force', 'overwrite results already in the folder')
    .option('--resume', 'continue an interrupted run from its last checkpoint (track.resume)')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, flags: { set?: string[]; out?: string; force?: boolean; resume?: boolean; progress?: boolean }) => {
      const sets = [...(flags.set ?? [])];
      if (flags.force) sets.push('track.force=true');
      if (flags.resume) sets.push('track.resume=true');
      const bar = makeProgress(flags.progress ?? true);
      const intr = installInterrupt();
      try {
        const r = await runPipelineFile(file, sets, flags.out, { onProgress: (p) => (intr.onProgress(p), bar.update(p)), shouldStop: intr.shouldStop });
        bar.stop();
        const t = r.track;
        for (const w of t.warnings) process.stderr.write(`lidtrack: warning: ${w}\n`);
        if (t.resumed) process.stdout.write(`resumed after frame ${t.resumed.after_frame}: ${t.resumed.frames_skipped} frames skipped (decoded only), ${t.resumed.frames_analysed} analysed\n`);
        process.stdout.write(`${t.framesProcessed} frames, ${t.tracks.length} dendrite track(s) → ${t.outDir}${t.status === 'partial' ? ' (PARTIAL: interrupted)' : ''}\n`);
        for (const d of t.tracks) {
          const k = d.kinematics;
          process.stdout.write(`  dendrite ${d.id}: v = ${k.velocityUmPerS.toFixed(3)} µm/s, j_tip = ${k.jTipAPerCm2.toFixed(3)} A/cm² (95 % CI ${k.jTipCi95APerCm2.map((x) => x.toFixed(3)).join('–')})\n`);
        }
        if (r.fit) {
          const params = (r.fit.parameters ?? {}) as Record<string, { value: number; ci95: [number, number] | null; unit: string; fixed: boolean }>;
          process.stdout.write(`fit (${String(r.fit.model)}): converged ${String(r.fit.converged)}, chi2_red ${Number(r.fit.chi2_red).toFixed(2)}\n`);
          for (const [k, v] of Object.entries(params)) {
            if (v.fixed) continue;
            process.stdout.write(`  ${k} = ${Number(v.value).toPrecision(4)} ${v.unit}${v.ci95 ? ` [${v.ci95.map((x) => Number(x).toPrecision(4)).join(', ')}]` : ''}\n`);
          }
          process.stdout.write(`fit: ${t.outDir}/fit/fit.json\n`);
        }
        if (t.files.some((f) => f.endsWith('report.html'))) process.stdout.write(`report: ${t.outDir}/report.html\n`);
      } finally {
        bar.stop();
        intr.dispose();
      }
      if (intr.interrupted()) process.exitCode = 130;
    });
}
