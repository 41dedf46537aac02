/**
 * `lidtrack probe INPUT [--json]`: what ffprobe and lidtrack see in a recording — codec, size,
 * nominal rate, frame count, duration, whether the frame timestamps are irregular, and how
 * colour is reduced to gray. Works for TIFF stacks and image folders too.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import type { VideoInfo } from '../../core/types.js';
import { probeSource, type ProbeResult } from '../../ingest/index.js';

const optionsSchema = z.strictObject({ json: z.boolean().default(false) });

function isProbeResult(i: VideoInfo): i is ProbeResult {
  return 'timestampCheck' in i;
}

function fmt(x: number | null, digits: number, unit = ''): string {
  return x === null ? 'unknown' : `${Number(x.toFixed(digits))}${unit}`;
}

/** The human-readable table printed by `lidtrack probe`. */
export function probeTable(info: VideoInfo): string {
  const rows: Array<[string, string]> = [
    ['input', info.path],
    ['format', info.format],
    ['codec', isProbeResult(info) ? `${info.codec} (${info.pixFmt}${info.colorRange ? `, ${info.colorRange} range` : ''})` : info.codec],
    ['size', `${info.width} × ${info.height} px`],
    ['bit depth', `${info.bitDepth}`],
  ];
  if (isProbeResult(info)) {
    rows.push(['nominal fps', info.nominalFps === null ? 'unknown' : `${fmt(info.nominalFps, 4)} (avg ${info.avgFrameRate}, r ${info.rFrameRate})`]);
    rows.push(['frames', info.frameCount === null ? 'unknown (not in the header; too many packets to count)' : `${info.frameCount} (${info.frameCountSource === 'container' ? 'container header' : 'packets counted'})`]);
    rows.push(['duration', fmt(info.durationS, 3, ' s')]);
    const c = info.timestampCheck;
    let ts: string;
    if (!info.hasTimestamps) ts = 'none in the container: times follow the declared rate unless --fps is given';
    else if (!c) ts = 'too few frames to judge';
    else {
      const scope = c.complete ? `all ${c.framesChecked} frames` : `first ${c.framesChecked} frames`;
      const iv = `interval median ${fmt(c.medianIntervalS * 1e3, 3)} ms, min ${fmt(c.minIntervalS * 1e3, 3)}, max ${fmt(c.maxIntervalS * 1e3, 3)}`;
      ts = `${c.irregular ? 'IRREGULAR' : 'regular'} (${scope}; ${iv}${c.gaps ? `; ${c.gaps} gap(s) > 1.5 intervals` : ''}${c.duplicates ? `; ${c.duplicates} duplicate(s)` : ''})`;
    }
    rows.push(['timestamps', ts]);
    rows.push(['time base', info.timeBase]);
    if (info.possiblyTruncated) rows.push(['warning', `the frames end before the stated duration (${fmt(info.durationS, 3, ' s')}): the file looks truncated; every frame that is there will be used`]);
    if (info.otherStreams.length) rows.push(['other streams', info.otherStreams.join(', ')]);
  } else {
    rows.push(['frames', info.frameCount === null ? 'unknown' : String(info.frameCount)]);
    rows.push(['timestamps', 'none: give --timestamps FILE.csv (frame,t_s) or --fps N when tracking']);
  }
  rows.push(['gray', info.grayConversion]);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('show what ffprobe and lidtrack see in a recording: codec, size, fps, frames, irregular timestamps, gray rule')
    .argument('<input>', 'video file, TIFF stack, image folder or pattern (img_%04d.png)')
    .option('--json', 'print the probe result as JSON')
    .action(async (input: string, raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const is = parsed.error.issues[0];
        throw new InputError(`--${String(is.path[0] ?? '')}: ${is.message}`, 'run `lidtrack probe --help`');
      }
      const info = await probeSource(input);
      process.stdout.write(parsed.data.json ? JSON.stringify(info, null, 2) + '\n' : probeTable(info));
    });
}
