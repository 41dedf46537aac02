/**
 * Issue 3: the accuracy benchmark's scenarios that meet their targets today are kept in CI with
 * the same targets and the same scoring (test/bench/accuracyScore.ts), so a regression fails:
 * clean — tip RMSE ≤ 0.5 px, velocity and j_tip error ≤ 1 %; hard — RMSE ≤ 1.5 px, v and j_tip
 * ≤ 3 %; every dendrite found, no spurious track. Rendered by `lidtrack simulate`'s renderer into
 * a temporary folder (320×240, 64 frames). The all-factors-at-once scenarios do not meet the hard
 * targets (per-frame tip RMSE 2.8–3.5 px); hard-all-bottom is held at today's figures below, as are
 * the branch tips of the branching scenario (branches.csv has no target in the issue).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runTrack } from '../../src/pipeline/runTrack.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { renderScenario, validateScenario } from '../../src/render/index.js';
import { readTruth, score, scoreBranches, TARGETS } from '../bench/accuracyScore.js';
import { ACCURACY_SCENARIOS } from '../bench/scenarios/accuracyScenarios.js';

async function track(name: string) {
  const sc = ACCURACY_SCENARIOS.find((s) => s.name === name)!;
  const valid = validateScenario(sc.scenario, sc.name);
  const dir = join(tmp, name);
  await renderScenario(valid, dir, { force: true });
  const r = await runTrack(trackConfigSchema.parse({
    input: join(dir, 'video.mp4'), um_per_px: valid.calibration.um_per_px, plating_edge: valid.calibration.plating_edge,
    out: join(dir, 'out'), report: false, force: true,
  }));
  return { sc, dir, r };
}

const KEPT = ['clean-bottom', 'clean-left', 'branching', 'contrast-8', 'noise-8', 'drift-6', 'flicker-3', 'crf-30', 'dust'];
const tmp = mkdtempSync(join(tmpdir(), 'lidtrack-accuracy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('accuracy benchmark scenarios kept in CI (clean: RMSE ≤ 0.5 px, v and j_tip ≤ 1 %; hard: RMSE ≤ 1.5 px, v and j_tip ≤ 3 %; no spurious)', () => {
  for (const name of KEPT) {
    it(name, async () => {
      const { sc, dir, r } = await track(name);
      const t = TARGETS[sc.kind];
      const s = score(sc, r, readTruth(dir), 0);
      expect(s.found).toBe(s.nTruth);
      expect(s.spurious).toBe(0);
      expect(s.rmsePx).toBeLessThanOrEqual(t.rmsePx);
      expect(s.vRelMax).toBeLessThanOrEqual(t.vRel);
      expect(s.jRelMax).toBeLessThanOrEqual(t.jRel);
    });
  }
});

describe('beyond the targets: regression guards at today\'s measured figures', () => {
  // (figures on the videos as rendered since the renderer is machine-independent — x264
  // cpu-independent, 2 threads, frameSink.ts; on the encode of another machine's x264 this scenario
  // gave 1.44 / 2.84 px and 4.4 %, on this one's 1.78 / 3.02 px, 11.8 % and a spurious track:
  // the hardest scenario sits on the edge of what the tracker resolves)
  it('hard-all-bottom (every hard factor at once): both dendrites, no spurious track (pieces joined), smoothed RMSE ≤ 2.6 px (2.30), per-frame RMSE ≤ 3.55 px (3.40; 3.62 before a prior apex ahead of a coarse tip placed the tip fit\'s window and the frame before\'s dendrites seeded the components), v ≤ 6 % (1.7)', async () => {
    const { sc, dir, r } = await track('hard-all-bottom');
    const s = score(sc, r, readTruth(dir), 0);
    expect(s.found).toBe(2);
    expect(s.spurious).toBe(0);
    expect(s.rmseSmoothPx).toBeLessThanOrEqual(2.6);
    expect(s.rmsePx).toBeLessThanOrEqual(3.55);
    expect(s.vRelMax).toBeLessThanOrEqual(0.06);
  });
  // (on the machine-independent render the right-hand branch is seen as a branch in frames 48–55
  // only, then as a leading tip in the video's last 8 frames: neither part alone grows the 5 px a
  // branch needs; runTrack joins them — 2a — and the two parts grow 10 px together)
  it('branching: both side branches in branches.csv, tip RMSE ≤ 1.2 px (0.63), none spurious', async () => {
    const { dir, r } = await track('branching');
    const b = scoreBranches(r, dir);
    expect(b.found).toBe(2);
    expect(b.spurious).toBe(0);
    expect(b.rmsePx).toBeLessThanOrEqual(1.2);
  });
});
