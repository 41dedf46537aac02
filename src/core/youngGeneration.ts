/**
 * A young generation of bounded size while a recording is tracked, so that a long run's memory
 * does not grow with its length (issue 7: peak RSS flat in recording length).
 *
 * V8 allocates new objects in its young generation and doubles that space each time as many
 * bytes as it holds have survived collections since it last grew. A tracker's per-frame objects
 * die young, but the few alive at each collection (the frames in flight) add up: on a 1080p
 * recording the main thread's young generation reaches 16 MB within the first seconds, then
 * 32 MB after ≈ 15 s — a 10-minute run peaked ≈ 16 MB above a 1-minute one for the same
 * per-frame work, and the frames do not go faster for it.
 *
 * While a cap is held (runTrack holds one for its whole run) and once the young generation holds
 * `capBytes`, its growth is stopped: V8's `semi_space_growth_factor` is set to 1 at run time.
 * (V8 raises a value below 2 to 2 only when a heap is configured, which is why
 * `--semi-space-growth-factor=1` on the command line has no effect and `--max-semi-space-size`
 * would need a second node process.) When the last cap is released the factor is set back, so
 * the stages after tracking (model fits, figures: more objects of middle age, which a small young
 * generation would promote to the old one) run as before. The flag is the process's: worker
 * threads keep the young generation they have while it holds.
 * test/core/youngGeneration.test.ts checks that the growth stops and resumes with this Node's V8.
 *
 * The old generation, likewise, while a cap is held: V8 sets the next full collection's threshold
 * at the live size times a factor it picks from how fast collections were in the run so far — up
 * to ≈ 4 when the first seconds were quick. The old generation of a tracking run holds ≈ 11–17 MB
 * live and gathers ≈ 0.5 MB/s of garbage (tip rows' churn, per-frame results that outlived the
 * young generation): with a factor of ≈ 4 the first full collection after start-up came only at
 * 42 s, with the heap at 52 MB committed, and a 10-minute 1080p run peaked ≈ 30 MB above the
 * runs where V8 had picked a small factor (278–289 against 250–256 MB, the same code, depending
 * on start-up timing: `--trace-gc`). So the factor is held at 1.5 (`--heap-growing-percent=50`,
 * read by V8 at every threshold): a full collection of those 15 MB every ≈ 15 s, ≈ 10 ms each.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The young generation's size that every tracking run reaches in its first seconds anyway [bytes]. */
export const YOUNG_GENERATION_CAP_BYTES = 16 * 1024 * 1024;

/** V8's growth factor as this process was started with it (V8's default and lower bound is 2). */
function startupGrowthFactor(): number {
  for (const a of process.execArgv) {
    const m = /^--semi[-_]space[-_]growth[-_]factor=(\d+)$/.exec(a);
    if (m) return Math.max(2, Number(m[1]));
  }
  return 2;
}

/** Size of the calling thread's young generation (V8's new space) [bytes]. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

let holders = 0;
let frozen = false;
let timer: ReturnType<typeof setInterval> | null = null;

/** The old generation's growing factor held while a cap is held (percent above 1; V8's own choice: 0). */
export const OLD_GENERATION_GROWING_PERCENT = 50;

function startupGrowingPercent(): number {
  for (const a of process.execArgv) {
    const m = /^--heap[-_]growing[-_]percent=(\d+)$/.exec(a);
    if (m) return Number(m[1]);
  }
  return 0;
}

function check(capBytes: number): void {
  if (frozen || youngGenerationBytes() < capBytes) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  frozen = true;
  if (timer) clearInterval(timer);
  timer = null;
}

export interface YoungGenerationCap {
  /** Whether the growth is stopped now. */
  capped(): boolean;
  /** Let go of this cap; the growth resumes when no other cap is held. */
  release(): void;
}

/**
 * Stop the young generation's growth once it holds `capBytes`, checked every `everyMs` (between
 * frames: a run's event loop turns at every frame), until released. The timer does not keep the
 * process alive. Caps taken while one is held share it (the first one's size applies).
 */
export function capYoungGeneration(capBytes = YOUNG_GENERATION_CAP_BYTES, everyMs = 100): YoungGenerationCap {
  holders++;
  if (holders === 1) {
    setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWING_PERCENT}`);
    timer = setInterval(() => check(capBytes), everyMs);
    timer.unref();
    check(capBytes);
  }
  let released = false;
  return {
    capped: () => frozen,
    release: () => {
      if (released) return;
      released = true;
      if (--holders > 0) return;
      if (timer) clearInterval(timer);
      timer = null;
      if (frozen) setFlagsFromString(`--semi-space-growth-factor=${startupGrowthFactor()}`);
      frozen = false;
      setFlagsFromString(`--heap-growing-percent=${startupGrowingPercent()}`);
    },
  };
}
