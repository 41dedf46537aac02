/**
 * Inclusion tracking on the rendered i-Li fixtures (lidtrack simulate; ground truth beside
 * them): fixtures/ili (scripted migration at 1 µm/s, reversal with patchy redeposition from the
 * emptied crack's tip) and fixtures/ili_model (Model A run, +3 then −3 mA/cm²). Plating edge
 * left, 0.5 µm/px. Tolerances: issue 5 acceptance (ends and centroid RMSE ≤ 1 px, phase
 * velocities within 5 %, area conserved within 5 % while migrating, redeposition onset at the tip).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phasesOfCurrent, readCurrentLog } from '../../src/ingest/currentLog/index.js';
import { fitLine } from '../../src/measure/regression.js';
import { inclusionPhases } from '../../src/measure/inclusionPhases.js';
import { writeInclusionsCsv } from '../../src/report/inclusionsCsv.js';
import type { InclusionRow } from '../../src/track/inclusions/index.js';
import { readTruthInclusions, trackInclusions, type TruthInclusionRow } from './trackFixture.js';

const UM_PER_PX = 0.5;

function rmseUm(rows: InclusionRow[], truth: TruthInclusionRow[], key: 'front' | 'back' | 'centroid'): number {
  let s2 = 0;
  for (const r of rows) {
    const t = truth.find((q) => q.frame === r.frame)!;
    const x = (key === 'front' ? r.frontXPx : key === 'back' ? r.backXPx : r.centroidXPx) * UM_PER_PX;
    const y = (key === 'front' ? r.frontYPx : key === 'back' ? r.backYPx : r.centroidYPx) * UM_PER_PX;
    s2 += (x - t[key][0]) ** 2 + (y - t[key][1]) ** 2;
  }
  return Math.sqrt(s2 / rows.length);
}

/** Truth end velocities per phase along the field axis (+x: plating edge left), OLS on the truth rows. */
function truthVelocity(truth: TruthInclusionRow[], t0: number, t1: number, key: 'front' | 'back'): number {
  const sel = truth.filter((r) => r.tS >= t0 && r.tS <= t1);
  return fitLine(sel.map((r) => r.tS), sel.map((r) => r[key][0])).slope;
}

for (const name of ['ili', 'ili_model']) {
  describe(`inclusion tracking on fixtures/${name}`, async () => {
    const truth = readTruthInclusions(`fixtures/${name}/truth_inclusions.csv`);
    // darkening at the true centroid in frame 10 (canonical u = y, v = x for plating edge left)
    let centreDarkening = NaN;
    const rows = await trackInclusions(`fixtures/${name}/video.mp4`, 'left', UM_PER_PX, 5, (index, seg, geom) => {
      if (index !== 10) return;
      const t = truth[10].centroid;
      centreDarkening = seg.darkening[Math.round(t[0] / UM_PER_PX) * geom.cw + Math.round(t[1] / UM_PER_PX)];
    });
    const log = readCurrentLog(`fixtures/${name}/current.csv`);
    const phases = phasesOfCurrent(log.samples);
    const summary = inclusionPhases(rows, phases, UM_PER_PX);

    it('the reference keeps the crystal pristine under an inclusion present from frame 0 (its Li is ≈ 35 % darker)', () => {
      // If this fails, src/segment/reference.ts left an isolated dark feature of the first
      // frames in the background: every i-Li inclusion then becomes invisible.
      expect(centreDarkening).toBeGreaterThan(0.25);
    });
    it('finds the one inclusion in every frame, with a stable id and no spurious one', () => {
      expect(new Set(rows.map((r) => r.inclusionId))).toEqual(new Set([1]));
      expect(rows.length).toBe(truth.length);
      expect(rows.every((r) => !r.static)).toBe(true);
    });
    it('front, back and centroid RMSE ≤ 1 px (0.5 µm)', () => {
      for (const k of ['front', 'back', 'centroid'] as const) expect(rmseUm(rows, truth, k)).toBeLessThanOrEqual(0.5);
      // measured on these fixtures: ends ≤ 0.14 µm, centroid ≤ 0.15 µm; guard against regressions
      for (const k of ['front', 'back'] as const) expect(rmseUm(rows, truth, k)).toBeLessThanOrEqual(0.25);
    });
    it('two phases (+I, −I) cut at 30 s; end velocities within 5 % of the phase speed', () => {
      expect(phases.map((p) => p.sign)).toEqual([1, -1]);
      expect(phases[1].tStartS).toBe(30);
      const ph = summary[0].phases;
      expect(ph.length).toBe(2);
      for (const p of ph) {
        const vf = truthVelocity(truth, p.t_start_s, p.t_end_s, 'front');
        const vb = truthVelocity(truth, p.t_start_s, p.t_end_s, 'back');
        const scale = Math.max(Math.abs(vf), Math.abs(vb));
        expect(Math.abs(p.front_velocity_um_per_s - vf)).toBeLessThanOrEqual(0.05 * scale);
        expect(Math.abs(p.back_velocity_um_per_s - vb)).toBeLessThanOrEqual(0.05 * scale);
        expect(p.front_velocity_ci95_um_per_s[0]).toBeLessThan(p.front_velocity_um_per_s);
        expect(p.front_velocity_ci95_um_per_s[1]).toBeGreaterThan(p.front_velocity_um_per_s);
      }
      // the inclusion moves away from the plating edge under +I
      expect(ph[0].front_velocity_um_per_s).toBeGreaterThan(0);
      expect(ph[0].current_sign).toBe(1);
    });
    it('Li area conserved within 5 % while migrating, and within 5 % of the truth in every frame', () => {
      const p0 = summary[0].phases[0];
      expect(Math.abs(p0.area_change_rel)).toBeLessThanOrEqual(0.05);
      for (const r of rows) {
        const t = truth.find((q) => q.frame === r.frame)!;
        expect(Math.abs(r.areaPx2 * UM_PER_PX ** 2 - t.areaUm2) / t.areaUm2).toBeLessThanOrEqual(0.05);
      }
    });
    it('emptied crack area within 10 % + 4 µm² of the truth once it exceeds 20 µm² (4 µm²: noise of the integrated darkening)', () => {
      const tj = JSON.parse(readFileSync(`fixtures/${name}/truth.json`, 'utf8')) as { frames: Array<{ frame: number; inclusions: Array<{ depleted_area_um2: number }> }> };
      let n = 0;
      for (const r of rows) {
        const dTruth = tj.frames.find((f) => f.frame === r.frame)!.inclusions[0].depleted_area_um2;
        if (dTruth < 20) continue;
        n++;
        expect(Math.abs(r.depletedAreaPx2 * UM_PER_PX ** 2 - dTruth)).toBeLessThanOrEqual(0.1 * dTruth + 4);
      }
      expect(n).toBeGreaterThan(40);
    });
    it('inclusions.csv: the SPEC columns first, in µm, then the extras', () => {
      const dir = mkdtempSync(join(tmpdir(), 'lidtrack-incl-'));
      const path = writeInclusionsCsv(dir, rows, UM_PER_PX);
      const [head, first] = readFileSync(path, 'utf8').split('\n');
      expect(head.split(',').slice(0, 10)).toEqual(['inclusion_id', 'frame', 't_s', 'front_x_um', 'front_y_um', 'back_x_um', 'back_y_um', 'centroid_x_um', 'centroid_y_um', 'area_um2']);
      const c = first.split(',').map(Number);
      const r = rows.find((q) => q.frame === 0)!;
      expect(c.slice(0, 3)).toEqual([1, 0, 0]);
      expect(c[3]).toBeCloseTo(r.frontXPx * UM_PER_PX, 3);
      expect(c[9]).toBeCloseTo(r.areaPx2 * UM_PER_PX ** 2, 3);
    });
    if (name === 'ili') {
      it('redeposition: none under +I; onset within 1 s of 32 s at the emptied tip (≤ 2 µm); refilled area at 60 s', () => {
        const [p0, p1] = summary[0].phases;
        expect(p0.redeposition).toBeNull();
        expect(p1.redeposition).not.toBeNull();
        const rd = p1.redeposition!;
        expect(Math.abs(rd.onset_t_s - 32)).toBeLessThanOrEqual(1);
        expect(rd.onset_at).toBe('tip');
        expect(rd.onset_from_tip_um).toBeLessThanOrEqual(2);
        // truth at 60 s: one patch [−0.5, 28.5] µm of a 3 µm wide crack tapering over its first 3 µm: ≈ 83 µm²
        const end = rows[rows.length - 1];
        expect(end.nPatches).toBe(1);
        expect(Math.abs(end.patchAreaPx2 * UM_PER_PX ** 2 - 83)).toBeLessThanOrEqual(0.1 * 83);
      });
    }
  });
}

