/**
 * A young generation of bounded size, so that a long run's memory does not grow with its length
 * (issue 7: peak RSS flat in recording length).
 *
 * V8 allocates new objects in its young generation and doubles that space each time as many
 * bytes as it holds have survived collections since it last grew. A tracker's per-frame objects
 * die young, but the few alive at each collection (the frames in flight) add up: on a 1080p
 * recording the main thread's young generation reaches 16 MB within the first seconds, then
 * 32 MB after ≈ 15 s — a 10-minute run peaked ≈ 16 MB above a 1-minute one for the same
 * per-frame work, and the frames do not go faster for it.
 *
 * Once the young generation holds `capBytes`, its growth is stopped: V8's
 * `semi_space_growth_factor` is set to 1 at run time. (V8 raises a value below 2 to 2 only when a
 * heap is configured, which is why `--semi-space-growth-factor=1` on the command line has no
 * effect and `--max-semi-space-size` would need a second node process.) The flag is the
 * process's: worker threads keep the young generation they have at that moment.
 * test/cli/youngGeneration.test.ts checks that the growth stops with this Node's V8.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation's size that every run reaches in its first seconds anyway [bytes]. */
export const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;

/** Size of the calling thread's young generation (V8's new space) [bytes]. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/**
 * Stop the young generation's growth once it holds `capBytes`, checked every `everyMs` (between
 * frames: a run's event loop turns at every frame). The timer does not keep the process alive.
 * @returns whether the growth is stopped already, and a function that stops the checks
 */
export function capYoungGeneration(capBytes = YOUNG_GENERATION_CAP_BYTES, everyMs = 100): { capped: () => boolean; stop: () => void } {
  let capped = false;
  const check = () => {
    if (capped || youngGenerationBytes() < capBytes) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    capped = true;
    clearInterval(timer);
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return { capped: () => capped, stop: () => clearInterval(timer) };
}
