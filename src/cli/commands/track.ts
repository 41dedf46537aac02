/**
 * `lidtrack track VIDEO --um-per-px S --plating-edge EDGE --out DIR [options]`
 * Every option also exists as a YAML key of a pipeline file (src/pipeline/trackConfig.ts).
 */
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { PLATING_EDGES } from '../../core/types.js';
import { parseOrThrow } from '../../core/validate.js';
import { runTrack } from '../../pipeline/runTrack.js';
import { trackConfigSchema, type TrackConfig } from '../../pipeline/trackConfig.js';
import { installInterrupt } from '../interrupt.js';
import { makeProgress } from '../progressBar.js';

/** Parse a number flag strictly: "0.5" ok; "", "abc", "1e" not. */
export function numberFlag(flag: string, raw: string | undefined, rule: 'positive' | 'positive-int'): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(x) && x > 0 && (rule !== 'positive-int' || Number.isInteger(x));
  if (!ok) throw new InputError(`${flag} must be a ${rule === 'positive-int' ? 'positive whole number' : 'positive number'} (got "${raw}")`, `e.g. ${flag} ${rule === 'positive-int' ? '100' : '0.5'}`);
  return x;
}

export function parseRoi(raw: string | undefined): TrackConfig['roi'] {
  if (raw === undefined) return undefined;
  const parts = raw.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 4 || parts.some((x) => !Number.isInteger(x) || x < 0) || parts[2] === 0 || parts[3] === 0) {
    throw new InputError(`--roi must be x,y,w,h in whole pixels with w,h > 0 (got "${raw}")`, 'e.g. --roi 0,100,640,360');
  }
  return { x: parts[0], y: parts[1], width: parts[2], height: parts[3] };
}

interface TrackFlags {
  umPerPx?: string;
  platingEdge?: string;
  out?: string;
  roi?: string;
  current?: string;
  timestamps?: string;
  fps?: string;
  maxFrames?: string;
  register?: boolean;
  fullFrameEvery?: string;
  currentOffsetS?: string;
  force?: boolean;
  resume?: boolean;
  report?: boolean;
  overlayVideo?: boolean;
  branches?: boolean;
  branchSearchEvery?: string;
  progress?: boolean;
}

export function trackConfigFromFlags(video: string, f: TrackFlags): TrackConfig {
  if (f.umPerPx === undefined) throw new InputError('--um-per-px is required', 'give the scale of the recording, e.g. --um-per-px 0.5');
  if (f.platingEdge === undefined) throw new InputError('--plating-edge is required', `one of ${PLATING_EDGES.join('|')}: the image edge of the plating electrode`);
  if (!(PLATING_EDGES as readonly string[]).includes(f.platingEdge)) {
    throw new InputError(`--plating-edge must be one of ${PLATING_EDGES.join('|')} (got "${f.platingEdge}")`, 'name the image edge where Li is plated while the current is positive');
  }
  if (f.out === undefined) throw new InputError('--out is required', 'name a results folder, e.g. --out runs/my');
  return parseOrThrow(
    trackConfigSchema,
    {
      input: video,
      um_per_px: numberFlag('--um-per-px', f.umPerPx, 'positive'),
      plating_edge: f.platingEdge,
      out: f.out,
      roi: parseRoi(f.roi),
      current: f.current,
      timestamps: f.timestamps,
      fps: numberFlag('--fps', f.fps, 'positive'),
      max_frames: numberFlag('--max-frames', f.maxFrames, 'positive-int'),
      register: f.register ?? false,
      ...(f.fullFrameEvery !== undefined ? { segment: { full_frame_every: numberFlag('--full-frame-every', f.fullFrameEvery, 'positive-int') } } : {}),
      ...(f.currentOffsetS !== undefined ? { current_offset_s: Number(f.currentOffsetS) } : {}),
      force: f.force ?? false,
      resume: f.resume ?? false,
      report: f.report ?? true,
      overlay_video: f.overlayVideo ?? true,
      tips: {
        ...(f.branches === false ? { branches: false } : {}),
        ...(f.branchSearchEvery !== undefined ? { branch_search_every: numberFlag('--branch-search-every', f.branchSearchEvery, 'positive-int') } : {}),
      },
    },
    'command line',
    (p) => '--' + p.replace(/_/g, '-'),
  );
}

export function registerTrack(program: Command): void {
  program
    .command('track')
    .description('track dendrite tips in a recording → tracks.csv, summary.json, manifest.json, figures, report.html')
    .argument('<video>', 'recording: MP4/AVI/MKV, multi-page TIFF, or an image-sequence folder/pattern')
    .option('--um-per-px <S>', 'scale [µm/px] (required)')
    .option('--plating-edge <EDGE>', 'top|bottom|left|right: edge of the plating electrode while the current is positive (required)')
    .option('--out <DIR>', 'results folder (required)')
    .option('--roi <x,y,w,h>', 'analyse only this rectangle [px]')
    .option('--current <CSV>', 'potentiostat log (t_s,current_mA)')
    .option('--timestamps <CSV>', 'frame,t_s for TIFF stacks and image sequences')
    .option('--fps <N>', 'frame rate, only when the input has no timestamps')
    .option('--max-frames <N>', 'stop after N frames')
    .option('--register', 'correct stage drift against frame 0 (writes drift.csv)')
    .option('--full-frame-every <N>', 'segment the whole frame every N frames, in between only around the electrode and known cracks (default 12; 1 = always whole)')
    .option('--current-offset-s <S>', 'video time = potentiostat time + S')
    .option('--force', 'overwrite results already in --out')
    .option('--resume', 'continue an interrupted run in --out from its last checkpoint (same input and options)')
    .option('--no-report', 'skip figures and report.html')
    .option('--no-overlay-video', 'skip the annotated overlay video (its pass over a long recording takes longer than the tracking)')
    .option('--no-branches', 'do not look for side branches (no branches.csv)')
    .option('--branch-search-every <N>', 'look for new side branches in every dendrite on 1 frame of every N, in between only in dendrites that have one (default 6; 1 = every frame)')
    .option('--no-progress', 'no progress bar')
    .action(async (video: string, flags: TrackFlags) => {
      const cfg = trackConfigFromFlags(video, flags);
      const bar = makeProgress(flags.progress ?? true);
      const intr = installInterrupt();
      try {
        const r = await runTrack(cfg, { onProgress: (p) => (intr.onProgress(p), bar.update(p)), shouldStop: intr.shouldStop });
        bar.stop();
        for (const w of r.warnings) process.stderr.write(`lidtrack: warning: ${w}\n`);
        if (r.resumed) process.stdout.write(`resumed after frame ${r.resumed.after_frame}: ${r.resumed.frames_skipped} frames skipped (decoded only), ${r.resumed.frames_analysed} analysed\n`);
        process.stdout.write(`${r.framesProcessed} frames, ${r.tracks.length} dendrite track(s) → ${r.outDir}${r.status === 'partial' ? ' (PARTIAL: interrupted)' : ''}\n`);
        for (const t of r.tracks) {
          const k = t.kinematics;
          process.stdout.write(
            `  dendrite ${t.id}: v = ${k.velocityUmPerS.toFixed(3)} µm/s [${k.velocityCi95UmPerS.map((x) => x.toFixed(3)).join(', ')}], ` +
              `j_tip = ${k.jTipAPerCm2.toFixed(3)} A/cm² [${k.jTipCi95APerCm2.map((x) => x.toFixed(3)).join(', ')}], ${k.nPoints} points` +
              (() => {
                const nb = r.branches.filter((b) => b.dendriteId === t.id).length;
                return nb ? `, ${nb} side branch(es) in branches.csv\n` : '\n';
              })(),
          );
        }
      } finally {
        bar.stop();
        intr.dispose();
      }
      if (intr.interrupted()) process.exitCode = 130;
    });
}
