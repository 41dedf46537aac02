/**
 * `lidtrack report DIR [--no-png] [--units-row] [--no-trackmate]`: rebuild the figures,
 * summary table, TrackMate files and report.html of a finished run folder without the video.
 */
import type { Command } from 'commander';
import { relative } from 'node:path';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import { buildReport } from '../../report/buildReport.js';

const optionsSchema = z.strictObject({
  png: z.boolean().default(true),
  unitsRow: z.boolean().default(false),
  trackmate: z.boolean().default(true),
  title: z.string().min(1).optional(),
});

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild figures (SVG, 300-dpi PNG, Vega-Lite specs), TrackMate XML and report.html for a finished run folder')
    .argument('<dir>', 'run folder written by `lidtrack track` or `lidtrack run` (needs tracks.csv and summary.json)')
    .option('--no-png', 'write SVG and specs only, no 300-dpi PNGs (faster)')
    .option('--units-row', 'add a units line under the header of figures/summary_table.csv (Origin "Units" row)')
    .option('--no-trackmate', 'do not write tracks.trackmate.xml / tracks.simple.xml')
    .option('--title <text>', 'title of report.html')
    .action(async (dir: string, raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const is = parsed.error.issues[0];
        throw new InputError(`--${String(is.path[0] ?? '')}: ${is.message} (got ${JSON.stringify(raw[String(is.path[0])])})`, 'run `lidtrack report --help`');
      }
      const o = parsed.data;
      const { files, warnings } = await buildReport(dir, { png: o.png, unitsRow: o.unitsRow, trackMate: o.trackmate, title: o.title });
      for (const w of warnings) process.stderr.write(`lidtrack: warning: ${w}\n`);
      const html = files.find((f) => f.endsWith('report.html'));
      process.stdout.write(`wrote ${files.length} files in ${dir}${html ? `; open ${relative(process.cwd(), html).startsWith('..') ? html : relative(process.cwd(), html)}` : ''}\n`);
    });
}
