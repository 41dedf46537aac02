/**
 * What a frame's tip search takes from the frames before it (findTips' prior and branchSearch):
 * the fitted shapes and apices of the previous frame's tips — each 2-D fit starts from its tip's
 * — and the branch ends of the last BRANCH_STICKY_FRAMES frames, which say what dendrites are
 * searched for side branches between the frames where all are.
 *
 * Kept where findTips runs, and fed the frames in order: frame n's search needs frame n − 1's
 * tips, so the tip worker keeps its own history (frames reach it in order: frame n − 1 is done
 * when frame n starts, and the main thread never waits for tips to submit a frame); runTrack
 * keeps one for in-thread runs and for checkpoints (updated as the tips come back, in frame order,
 * so it equals the worker's after a drain). Same frames, same order: the same tips either way.
 *
 * Why the previous frame and not an older one: a tip advances a fraction of a pixel per frame,
 * so its last apex and shape are the nearest start. On the 1500-frame bench video (frames
 * 1300–1329) the fits from frame n − 1 took 12 % fewer model evaluations than from n − 2, the
 * 1-D fallback fit ran 15 % less often, and one frame of every `everyFrames` searching all
 * dendrites replaces two (test/bench/tip-worker.ts).
 */
import { branchEnds, BRANCH_STICKY_FRAMES, branchSearchFor, tipPriors, type BranchSearch, type FrameBranchEnds, type TipCandidate } from './findTips.js';
import type { TipPrior } from './tipModelFit.js';

/** A TipHistory's state (checkpoints; the tip worker starts from it on --resume). */
export interface TipHistorySnapshot {
  /** The last frame processed and its tips' priors (null before the first). */
  last: { ordinal: number; tips: TipPrior[] } | null;
  branchEnds: FrameBranchEnds[];
}

export class TipHistory {
  private last: { ordinal: number; tips: TipPrior[] } | null;
  private ends: FrameBranchEnds[];

  /** @param branchSearchEvery every dendrite is searched for branches on one frame of every this many (branchSearchFor) */
  constructor(readonly branchSearchEvery: number, from?: TipHistorySnapshot) {
    this.last = from?.last ?? null;
    this.ends = from ? [...from.branchEnds] : [];
  }

  /** findTips' prior and branch search for frame `ordinal` (the frame after the last one landed). */
  before(ordinal: number): { prior: TipPrior[]; branchSearch: BranchSearch } {
    return {
      prior: this.last?.ordinal === ordinal - 1 ? this.last.tips : [],
      branchSearch: branchSearchFor(ordinal, this.branchSearchEvery, this.ends),
    };
  }

  /** Frame `ordinal`'s tips are found. */
  landed(ordinal: number, tips: readonly TipCandidate[]): void {
    this.last = { ordinal, tips: tipPriors(tips) };
    this.ends = [...this.ends.filter((f) => f.ordinal > ordinal - BRANCH_STICKY_FRAMES), { ordinal, ends: branchEnds(tips) }];
  }

  snapshot(): TipHistorySnapshot {
    return { last: this.last, branchEnds: [...this.ends] };
  }
}
