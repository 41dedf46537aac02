/**
 * TipHistory: a frame's tip search starts from the previous frame's tips (their fitted shapes and
 * apices) and looks for branches near the branch ends of the last BRANCH_STICKY_FRAMES frames; a
 * history restored from its snapshot continues exactly as the original.
 */
import { describe, expect, it } from 'vitest';
import { BRANCH_STICKY_FRAMES, type TipCandidate } from '../../src/track/findTips.js';
import { TipHistory } from '../../src/track/tipHistory.js';

/** A leading tip placed by the 2-D model at (u, v), or a branch end at (u, v). */
function tip(u: number, v: number, branch = false): TipCandidate {
  return {
    u, v, lengthPx: v, sigmaPx: 0.2, regionLabel: 1, areaPx: 100, prominencePx: 10, refined: true,
    shape: { angleRad: 0.1 * u, a: 1, q: 2, psfSigmaPx: 1.2 },
    ...(branch ? { branch: { junctionU: u - 5, junctionV: v - 5, branchLengthPx: 7, leadIndex: 0 } } : {}),
  };
}

describe('TipHistory', () => {
  it("frame n starts from frame n − 1's tips and searches near the branch ends of frames n − 1 … n − BRANCH_STICKY_FRAMES", () => {
    const h = new TipHistory(6);
    expect(h.before(0)).toEqual({ prior: [], branchSearch: { all: true, near: [] } });
    for (let n = 0; n < 9; n++) h.landed(n, [tip(10 + n, 20 + n), tip(50 + n, 60 + n, true)]);
    const { prior, branchSearch } = h.before(9);
    // frame 8's tips, shape and apex
    expect(prior).toEqual([tip(18, 28), tip(58, 68)].map((t) => ({ u: t.u, v: t.v, ...t.shape })));
    expect(prior.map((p) => [p.u, p.v])).toEqual([[18, 28], [58, 68]]);
    expect(branchSearch.all).toBe(false); // 9 % 6 ≠ 0
    const ends = Array.from(branchSearch.near);
    expect(ends.length).toBe(2 * BRANCH_STICKY_FRAMES);
    expect(ends).toEqual([55, 65, 56, 66, 57, 67, 58, 68]);
    expect(h.before(12).branchSearch.all).toBe(true);
  });

  it('a history restored from its snapshot gives the same searches as the original', () => {
    const a = new TipHistory(4);
    for (let n = 0; n < 5; n++) a.landed(n, [tip(n, 2 * n, n % 2 === 0)]);
    const b = new TipHistory(4, JSON.parse(JSON.stringify(a.snapshot())));
    for (let n = 5; n < 11; n++) {
      expect(b.before(n)).toEqual(a.before(n));
      const tips = [tip(n, 3 * n), tip(n + 1, n, n % 3 === 0)];
      a.landed(n, tips);
      b.landed(n, tips);
    }
    expect(b.snapshot()).toEqual(a.snapshot());
    // no tips with a shape (all placed by the 1-D fallback): no prior
    const { shape: _, ...unshaped } = tip(1, 1);
    a.landed(11, [unshaped]);
    expect(a.before(12).prior).toEqual([]);
  });
});
