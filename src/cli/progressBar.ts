/**
 * A progress bar on stderr (only when stderr is a terminal; quiet in pipes and CI logs).
 * cli-progress is loaded when a bar is made: with its string-width and emoji tables it cost
 * ≈ 6 ms of every start (CPU profile), bar or not.
 */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { TrackProgress } from '../pipeline/runTrack.js';

const requirePackage = createRequire(import.meta.url);

export function makeProgress(enabled: boolean): { update: (p: TrackProgress) => void; stop: () => void } {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const cliProgress = requirePackage('cli-progress') as typeof CliProgress;
  const bar = new cliProgress.SingleBar(
    { format: ' {stage} |{bar}| {value}/{total} frames | {fps} frames/s | eta {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  let started = false;
  return {
    update: (p) => {
      const fps = (p.frame / Math.max(1e-3, (Date.now() - t0) / 1000)).toFixed(1);
      if (!started) {
        bar.start(p.total ?? p.frame, p.frame, { stage: p.stage, fps });
        started = true;
      }
      // (a total may come during the run: the probe's packet scan counts a file whose header does not)
      bar.setTotal(p.total ?? Math.max(p.frame, 1));
      bar.update(p.frame, { stage: p.stage, fps });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
