/**
 * Resolve the ffmpeg / ffprobe binaries in the order of SPEC.md:
 * FFMPEG_PATH / FFPROBE_PATH → ffmpeg-static (optional dependency; its download may have
 * failed, so the file must really exist) → @ffmpeg-installer/ffmpeg + @ffprobe-installer/ffprobe
 * → `ffmpeg` / `ffprobe` on PATH.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { InputError } from '../core/errors.js';

const require = createRequire(import.meta.url);

export interface ResolvedBinary {
  path: string;
  /** Where it was found: env | ffmpeg-static | ffmpeg-installer | ffprobe-installer | PATH */
  source: string;
}

export interface ResolvedBinaries {
  ffmpeg: ResolvedBinary;
  ffprobe: ResolvedBinary;
}

function isExecutableFile(p: string | null | undefined): p is string {
  if (!p) return false;
  try {
    if (!existsSync(p) || !statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fromPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutableFile(p)) return p;
  }
  return null;
}

function tryRequire(id: string): unknown {
  try {
    return require(id);
  } catch {
    return null;
  }
}

/** Every candidate in resolution order, for `lidtrack doctor`. */
export function ffmpegCandidates(): { ffmpeg: Array<ResolvedBinary & { ok: boolean }>; ffprobe: Array<ResolvedBinary & { ok: boolean }> } {
  const ffmpeg: Array<ResolvedBinary & { ok: boolean }> = [];
  const ffprobe: Array<ResolvedBinary & { ok: boolean }> = [];
  if (process.env.FFMPEG_PATH) ffmpeg.push({ path: process.env.FFMPEG_PATH, source: 'env FFMPEG_PATH', ok: isExecutableFile(process.env.FFMPEG_PATH) });
  if (process.env.FFPROBE_PATH) ffprobe.push({ path: process.env.FFPROBE_PATH, source: 'env FFPROBE_PATH', ok: isExecutableFile(process.env.FFPROBE_PATH) });
  const stat = tryRequire('ffmpeg-static');
  if (typeof stat === 'string') ffmpeg.push({ path: stat, source: 'ffmpeg-static', ok: isExecutableFile(stat) });
  const inst = tryRequire('@ffmpeg-installer/ffmpeg') as { path?: string } | null;
  if (inst?.path) ffmpeg.push({ path: inst.path, source: '@ffmpeg-installer/ffmpeg', ok: isExecutableFile(inst.path) });
  const pinst = tryRequire('@ffprobe-installer/ffprobe') as { path?: string } | null;
  if (pinst?.path) ffprobe.push({ path: pinst.path, source: '@ffprobe-installer/ffprobe', ok: isExecutableFile(pinst.path) });
  const pf = fromPath('ffmpeg');
  if (pf) ffmpeg.push({ path: pf, source: 'PATH', ok: true });
  const pp = fromPath('ffprobe');
  if (pp) ffprobe.push({ path: pp, source: 'PATH', ok: true });
  return { ffmpeg, ffprobe };
}

let cached: ResolvedBinaries | null = null;

/** The binaries lidtrack will use; throws InputError with a fix when none is usable. */
export function resolveFfmpeg(): ResolvedBinaries {
  if (cached) return cached;
  const c = ffmpegCandidates();
  const ffmpeg = c.ffmpeg.find((b) => b.ok);
  const ffprobe = c.ffprobe.find((b) => b.ok);
  if (!ffmpeg || !ffprobe) {
    throw new InputError(
      `no working ${!ffmpeg ? 'ffmpeg' : 'ffprobe'} binary found`,
      'run `npm ci` (installs @ffmpeg-installer), or set FFMPEG_PATH and FFPROBE_PATH, or install ffmpeg on PATH; `lidtrack doctor` shows what was tried',
    );
  }
  cached = { ffmpeg: { path: ffmpeg.path, source: ffmpeg.source }, ffprobe: { path: ffprobe.path, source: ffprobe.source } };
  return cached;
}

/** One step of the resolution order, for `lidtrack doctor`. */
export interface ResolutionStep {
  binary: 'ffmpeg' | 'ffprobe';
  /** The rule of SPEC.md this step implements. */
  source: string;
  /** Path the step points at, null when the step offers nothing (variable unset, package absent). */
  path: string | null;
  /** This step's binary is the one resolveFfmpeg() uses. */
  used: boolean;
  /** Why it is used or not, in a few words. */
  reason: string;
}

/**
 * The full resolution order of SPEC.md for both binaries, including the steps that offered
 * nothing, each with the reason it was or was not used.
 */
export function ffmpegResolutionChain(): ResolutionStep[] {
  const c = ffmpegCandidates();
  const steps: ResolutionStep[] = [];
  const order: Array<{ binary: 'ffmpeg' | 'ffprobe'; source: string; absent: string }> = [
    { binary: 'ffmpeg', source: 'env FFMPEG_PATH', absent: 'FFMPEG_PATH is not set' },
    { binary: 'ffmpeg', source: 'ffmpeg-static', absent: 'optional package ffmpeg-static is not installed (or its download failed)' },
    { binary: 'ffmpeg', source: '@ffmpeg-installer/ffmpeg', absent: 'package @ffmpeg-installer/ffmpeg is not installed for this platform' },
    { binary: 'ffmpeg', source: 'PATH', absent: 'no ffmpeg on PATH' },
    { binary: 'ffprobe', source: 'env FFPROBE_PATH', absent: 'FFPROBE_PATH is not set' },
    { binary: 'ffprobe', source: '@ffprobe-installer/ffprobe', absent: 'package @ffprobe-installer/ffprobe is not installed for this platform' },
    { binary: 'ffprobe', source: 'PATH', absent: 'no ffprobe on PATH' },
  ];
  for (const binary of ['ffmpeg', 'ffprobe'] as const) {
    const list = c[binary];
    const usedIdx = list.findIndex((b) => b.ok);
    for (const o of order.filter((x) => x.binary === binary)) {
      const i = list.findIndex((b) => b.source === o.source);
      if (i < 0) {
        steps.push({ binary, source: o.source, path: null, used: false, reason: o.absent });
        continue;
      }
      const b = list[i];
      steps.push({
        binary,
        source: o.source,
        path: b.path,
        used: i === usedIdx,
        reason: i === usedIdx ? 'first working candidate' : !b.ok ? 'file missing or not executable' : 'an earlier candidate is used',
      });
    }
  }
  return steps;
}
