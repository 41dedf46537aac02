/**
 * What the launcher (bin/lidtrack.js) starts before it loads the CLI: for `lidtrack track VIDEO …`
 * the ffprobe runs that opening VIDEO makes first (src/ingest/earlyProcesses.ts says why), so
 * they run on the second core while the CLI bundle loads on the first. Bundled on its own
 * (dist/early.mjs, a few kB) so that it starts before the CLI's ≈ 1.4 MB is parsed.
 *
 * Best effort and silent: anything unexpected (another command, options before the path, not a
 * video file, no ffprobe) starts nothing, and the CLI then reports what is wrong as always.
 */
import { resolveFfmpeg } from '../ingest/binaries.js';
import { startEarlyProcess } from '../ingest/earlyProcesses.js';
import { stagedProbeRuns } from '../ingest/probeCommands.js';
import { sourceKind } from '../ingest/sourceKind.js';

/** The video a `track` command line opens, when it names one first (`track VIDEO …`); else null. */
export function trackedVideo(argv: readonly string[]): string | null {
  let k = 0;
  while (argv[k] === '--debug') k++;
  if (argv[k] !== 'track') return null;
  const path = argv[k + 1];
  if (path === undefined || path.startsWith('-') || argv.includes('--help') || argv.includes('-h')) return null;
  try {
    return sourceKind(path) === 'video' ? path : null;
  } catch {
    return null; // (not found: the CLI says so)
  }
}

/** Start the early work for this command line (argv without node and the script); returns how many processes it started. */
export function startEarly(argv: readonly string[]): number {
  const video = trackedVideo(argv);
  if (video === null) return 0;
  let ffprobe: string;
  try {
    ffprobe = resolveFfmpeg().ffprobe.path;
  } catch {
    return 0;
  }
  const runs = stagedProbeRuns(video);
  for (const r of runs) startEarlyProcess(ffprobe, r.args, { timeoutMs: r.timeoutMs });
  return runs.length;
}
