/**
 * `lidtrack probe INPUT [--json] [--decode]`: what ffprobe and lidtrack see in a recording — codec,
 * size, nominal rate, frame count, duration, whether the frame timestamps are irregular, and how
 * colour is reduced to gray. Works for TIFF stacks and image folders too.
 *
 * --decode also reads every frame through lidtrack's own reader, as `lidtrack track` does (the
 * same ffmpeg command, gray plane, pipe and frame ring), and does nothing with it: does the whole
 * recording decode, how many frames with what last time, and how fast the reading alone goes —
 * the ceiling of any analysis (the speed benchmark's "reader only" figure).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { InputError } from '../../core/errors.js';
import type { VideoInfo } from '../../core/types.js';
import { openSource, probeSource, type DecodeReport, type ProbeResult } from '../../ingest/index.js';
import { numberFlag } from './track.js';

const optionsSchema = z.strictObject({
  json: z.boolean().default(false), decode: z.boolean().default(false), timestamps: z.string().optional(), fps: z.string().optional(),
});

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
  return keyValueLines(rows);
}

/** Rows of (key, value) as aligned lines. */
function keyValueLines(rows: ReadonlyArray<[string, string]>): string {
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

/** What `probe --decode` measured: every frame read through lidtrack's reader, nothing done with it. */
export interface DecodePass {
  frames: number;
  /** Frames the source said it has (null: unknown). */
  expectedFrames: number | null;
  /** Time of the first and the last frame read [s]. */
  firstTS: number | null;
  lastTS: number | null;
  /** Wall time from opening the source to the end of the last frame [s]. */
  wallS: number;
  framesPerS: number;
  /** Why the frames ended before the expected end, when they did. */
  endedEarly: string | null;
  decoderWarnings: number;
}

/**
 * Read every frame of `input` as `lidtrack track` reads it (buffers handed back at once); a TIFF
 * stack or image sequence needs its times as track does (`timestampsCsv` or `fps`).
 */
export async function decodePass(input: string, times: { timestampsCsv?: string; fps?: number } = {}): Promise<DecodePass> {
  const t0 = performance.now();
  // the options lidtrack track opens a recording with (no --register): the same ffmpeg command
  const source = await openSource(input, { deferGrayMap: true, ...times });
  let frames = 0, firstTS: number | null = null, lastTS: number | null = null;
  for await (const f of source.frames({ reuseBuffers: true })) {
    if (firstTS === null) firstTS = f.tS;
    lastTS = f.tS;
    frames++;
  }
  const wallS = (performance.now() - t0) / 1000;
  const rep: DecodeReport | null = source.lastReport();
  return {
    frames, expectedFrames: rep?.expectedFrames ?? source.info.frameCount, firstTS, lastTS, wallS, framesPerS: frames / wallS,
    endedEarly: rep?.endedEarly ? rep.endReason ?? 'the frames ended early' : null, decoderWarnings: rep?.decodeWarningCount ?? 0,
  };
}

function decodeLines(d: DecodePass): string {
  const rows: Array<[string, string]> = [
    ['decoded', `${d.frames} frames${d.expectedFrames !== null && d.expectedFrames !== d.frames ? ` of ${d.expectedFrames} expected` : ''}, t = ${fmt(d.firstTS, 3, ' s')} … ${fmt(d.lastTS, 3, ' s')}`],
    ['reading speed', `${fmt(d.framesPerS, 1)} frames/s (${fmt(d.wallS, 2, ' s')} from opening to the last frame; lidtrack's reader alone, no analysis)`],
  ];
  if (d.endedEarly) rows.push(['warning', d.endedEarly]);
  if (d.decoderWarnings) rows.push(['decoder', `${d.decoderWarnings} warning/error line(s)`]);
  return keyValueLines(rows);
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description('show what ffprobe and lidtrack see in a recording: codec, size, fps, frames, irregular timestamps, gray rule')
    .argument('<input>', 'video file, TIFF stack, image folder or pattern (img_%04d.png)')
    .option('--json', 'print the probe result as JSON')
    .option('--decode', 'also read every frame as lidtrack track does: frame count, last time, reading speed')
    .option('--timestamps <CSV>', 'with --decode: frame,t_s for TIFF stacks and image sequences (as for track)')
    .option('--fps <N>', 'with --decode: frame rate, only when the input has no timestamps (as for track)')
    .action(async (input: string, raw: Record<string, unknown>) => {
      const parsed = optionsSchema.safeParse(raw);
      if (!parsed.success) {
        const is = parsed.error.issues[0];
        throw new InputError(`--${String(is.path[0] ?? '')}: ${is.message}`, 'run `lidtrack probe --help`');
      }
      const info = await probeSource(input);
      const { timestamps, fps } = parsed.data;
      if (!parsed.data.decode && (timestamps !== undefined || fps !== undefined)) throw new InputError('--timestamps and --fps go with --decode', 'add --decode, or leave them out');
      const decode = parsed.data.decode ? await decodePass(input, { timestampsCsv: timestamps, fps: numberFlag('--fps', fps, 'positive') }) : null;
      if (parsed.data.json) process.stdout.write(JSON.stringify(decode ? { ...info, decode } : info, null, 2) + '\n');
      else process.stdout.write(probeTable(info) + (decode ? decodeLines(decode) : ''));
    });
}
