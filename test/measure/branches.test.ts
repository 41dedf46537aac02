/**
 * consolidateBranches (src/measure/branches.ts): linked branch ends → branches of the final
 * dendrites, against rows built from a known branch geometry.
 */
import { describe, expect, it } from 'vitest';
import { type BranchRow, consolidateBranches } from '../../src/measure/branches.js';

const O = { minPoints: 3, minDuty: 0.5, umPerPx: 0.5, rateWindowPoints: 15, requireGrowth: true, minGrowthPx: 5 };

/** A branch leaving (100, 80) at 35° from +x, its tip at 2 + 6·t px from there; junction jitter ±1 px. */
function growing(id: number, parent: number, frames: number[]): BranchRow[] {
  const a = (35 * Math.PI) / 180;
  return frames.map((f, k) => {
    const t = f / 10, L = 2 + 6 * t;
    return {
      branchId: id, frame: f, tS: t, tipXPx: 100 + L * Math.cos(a), tipYPx: 80 + L * Math.sin(a),
      junctionXPx: 100 + (k % 2 ? 1 : -1), junctionYPx: 80 + (k % 3) - 1, branchLengthPx: 0, tipSigmaPx: 0.3, refined: true, parentRawId: parent,
    };
  });
}

describe('consolidateBranches', () => {
  it('recovers the growth rate along the branch axis (6 px/s × 0.5 µm/px = 3 µm/s) and the final length, despite junction jitter', () => {
    const frames = Array.from({ length: 30 }, (_, k) => k);
    const [b] = consolidateBranches(growing(7, 3, frames), new Map([[3, 1]]), O);
    expect(b.id).toBe(1);
    expect(b.dendriteId).toBe(1);
    expect(b.kinematics!.velocityUmPerS).toBeCloseTo(3, 9);
    // length from the mean junction (−0.03, 0.0 px from (100, 80)) along the axis: 2 + 6·2.9 = 19.4 px ± 0.05
    expect(Math.abs(b.rows[29].branchLengthPx - 19.4)).toBeLessThan(0.05);
  });
  it('drops a static feature, a flickering detection, and a branch of a dendrite that is not a final track', () => {
    const frames = Array.from({ length: 30 }, (_, k) => k);
    const staticRows = growing(1, 3, frames).map((r) => ({ ...r, tipXPx: 120, tipYPx: 90 }));
    const flicker = growing(2, 3, [0, 5, 10, 15, 20, 25]); // seen in 6 of 26 frames
    const orphan = growing(4, 99, frames);
    expect(consolidateBranches([...staticRows, ...flicker, ...orphan], new Map([[3, 1]]), O)).toEqual([]);
    // without the growth requirement the static one stays, rate ≈ 0
    const kept = consolidateBranches(staticRows, new Map([[3, 1]]), { ...O, requireGrowth: false });
    expect(kept).toHaveLength(1);
    expect(Math.abs(kept[0].kinematics!.velocityUmPerS)).toBeLessThan(1e-9);
  });
  it('the dendrite is the majority of the frames\' parents; ids follow first appearance; the input rows are not changed', () => {
    const a = growing(5, 3, Array.from({ length: 12 }, (_, k) => 10 + k));
    a[0].parentRawId = 8;
    const b = growing(9, 8, Array.from({ length: 12 }, (_, k) => 2 + k));
    const before = JSON.stringify([...a, ...b]);
    const out = consolidateBranches([...a, ...b], new Map([[3, 1], [8, 2]]), O);
    expect(out.map((x) => [x.id, x.dendriteId, x.rows[0].frame])).toEqual([[1, 2, 2], [2, 1, 10]]);
    expect(JSON.stringify([...a, ...b])).toBe(before);
  });
});

describe('fitLineRejecting (mean velocity of a track)', async () => {
  const { fitLineRejecting } = await import('../../src/measure/trackKinematics.js');
  const { gaussian, mulberry32 } = await import('../helpers/rng.js');
  it('two gross outliers (a tip read on a neighbouring branch) are set aside: slope within 1 % of 4 µm/s, where plain OLS is > 3 % off', async () => {
    const { fitLine } = await import('../../src/measure/regression.js');
    const g = gaussian(mulberry32(5));
    const t = Array.from({ length: 60 }, (_, k) => k / 8);
    const y = t.map((x) => 2 + 4 * x + 0.5 * g());
    y[0] += 8; // an early misread far ahead
    y[58] -= 9;
    const r = fitLineRejecting(t, y);
    expect(Math.abs(fitLine(t, y).slope / 4 - 1)).toBeGreaterThan(0.03);
    expect(r.nOutliers).toBe(2);
    expect(Math.abs(r.fit.slope / 4 - 1)).toBeLessThan(0.01);
  });
  it('Gaussian scatter alone: nothing is set aside in 20 seeded tracks of 64 points', () => {
    for (let s = 1; s <= 20; s++) {
      const g = gaussian(mulberry32(100 + s));
      const t = Array.from({ length: 64 }, (_, k) => k / 8);
      expect(fitLineRejecting(t, t.map((x) => 3 * x + g())).nOutliers).toBe(0);
    }
  });
});

describe('branchContinuations (a branch that outgrew its trunk and was then found as a leading tip)', async () => {
  const { branchContinuations } = await import('../../src/measure/branches.js');
  const O2 = { maxGapFrames: 25, maxOverlapFrames: 2, gatePx: 8, gateFactor: 1.5, minStartHeightPx: 16 };
  const [branch] = consolidateBranches(growing(7, 3, Array.from({ length: 30 }, (_, k) => k)), new Map([[3, 1]]), O);
  /** A dendrite track continuing the branch's line (6 px/s along 35° from (100, 80)) from frame f0, at height h. */
  const lead = (id: number, f0: number, h: number, dx = 0) => ({
    id,
    rows: Array.from({ length: 20 }, (_, k) => {
      const t = (f0 + k) / 10, L = 2 + 6 * t, a = (35 * Math.PI) / 180;
      return { frame: f0 + k, tS: t, tipXPx: 100 + L * Math.cos(a) + dx, tipYPx: 80 + L * Math.sin(a), heightPx: h };
    }),
  });
  it('a track starting 2 frames after the branch\'s last, where it was heading, deep in the crystal: the branch\'s', () => {
    expect([...branchContinuations([lead(2, 31, 60)], [branch], O2)]).toEqual([[2, 7]]);
  });
  it('not: a track starting at the interface, one 20 px off the branch\'s course, one beside the branch for 5 frames, the branch\'s own dendrite', () => {
    expect(branchContinuations([lead(2, 31, 8)], [branch], O2).size).toBe(0);
    expect(branchContinuations([lead(2, 31, 60, 20)], [branch], O2).size).toBe(0);
    expect(branchContinuations([lead(2, 25, 60)], [branch], O2).size).toBe(0);
    expect(branchContinuations([lead(1, 31, 60)], [branch], O2).size).toBe(0);
  });
});

describe('branchesFoundAsLeads (a side branch that is a depth maximum from its first frame)', async () => {
  const { branchesFoundAsLeads } = await import('../../src/measure/branches.js');
  const O3 = { minStartHeightPx: 16, baseSeparationPx: 10 };
  const track = (id: number, f0: number, h0: number, label: number, baseU: number) => ({
    id, baseU, rows: Array.from({ length: 30 }, (_, k) => ({ frame: f0 + k, heightPx: h0 + k, regionLabel: label })),
  });
  it('a track first found 60 px deep, in the region of an older track whose base is 40 px away: a branch of it', () => {
    expect([...branchesFoundAsLeads([track(1, 0, 10, 4, 100), track(2, 12, 60, 4, 140)], O3)]).toEqual([[2, 1]]);
  });
  it('not: siblings from one base (3 px apart, as in Fig. 2), a track starting near the interface, one in another region', () => {
    expect(branchesFoundAsLeads([track(1, 0, 10, 4, 100), track(2, 12, 60, 4, 103)], O3).size).toBe(0);
    expect(branchesFoundAsLeads([track(1, 0, 10, 4, 100), track(2, 12, 8, 4, 140)], O3).size).toBe(0);
    expect(branchesFoundAsLeads([track(1, 0, 10, 4, 100), track(2, 12, 60, 5, 140)], O3).size).toBe(0);
  });
});

describe('branchJunction (where a side branch found as a leading tip leaves its dendrite)', async () => {
  const { branchJunction } = await import('../../src/measure/branches.js');
  // a curved trunk: its tip runs along an arc of radius 200 px about (300, 0), one frame per px of arc
  const trunk = Array.from({ length: 200 }, (_, f) => {
    const a = Math.PI - f / 200; // from (100, 0) curving toward +u as it deepens
    return { frame: f, canonU: 300 + 200 * Math.cos(a), canonV: 200 * Math.sin(a) };
  });
  it('the trunk tip\'s position nearest the branch\'s first tip, among the frames before it (a curved trunk)', () => {
    // the branch leaves the arc at frame 120 and is first seen 9 px to its side at frame 150
    const j0 = trunk[120], n = { u: Math.cos(Math.PI - 120 / 200), v: Math.sin(Math.PI - 120 / 200) }; // outward normal
    const branch = [{ frame: 150, canonU: j0.canonU + 9 * n.u, canonV: j0.canonV + 9 * n.v }];
    const j = branchJunction(branch, trunk, 30)!;
    expect(Math.hypot(j.u - j0.canonU, j.v - j0.canonV)).toBeLessThan(1.01); // within the 1 px the trunk's tip moves per frame
    // the trunk's later tips (from frame 150 on) are not candidates
    expect(branchJunction([{ frame: 100, canonU: trunk[115].canonU, canonV: trunk[115].canonV }], trunk, 30)).toEqual({ u: trunk[99].canonU, v: trunk[99].canonV });
  });
  it('none when the trunk\'s path never came within the limit', () => {
    expect(branchJunction([{ frame: 150, canonU: trunk[120].canonU + 40, canonV: trunk[120].canonV }], trunk, 30)).toBeNull();
    expect(branchJunction([], trunk, 30)).toBeNull();
  });
});
