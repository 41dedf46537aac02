import { describe, expect, it } from 'vitest';
import { F_OVER_VM_PA_PER_V, thermalVoltageV } from '../../src/core/units.js';
import { fitInclusion } from '../../src/fit/inclusion/fitInclusion.js';
import type { InclusionObservation } from '../../src/fit/inclusion/parseInclusionsCsv.js';
import { seededRandom } from '../../src/fit/seededRandom.js';
import { defaultReducedParams, shapeFactors, simulateReduced } from '../../src/model/index.js';
import { fitReportJson } from '../../src/fit/inclusion/fitReport.js';
import { parseModelFile } from '../../src/fit/inclusion/modelFile.js';
import { SECTION6_TRUTH, section6CurrentLog, section6Model, section6ModelYaml, section6Observations } from './syntheticInclusion.js';

const TRUTH: Record<string, number> = { h_ext_um: SECTION6_TRUTH.hExtUm, eta_th_mV: SECTION6_TRUTH.etaThMV, thickness_ratio: SECTION6_TRUTH.thicknessRatio };

describe('fitInclusion: MODEL.md §6 synthetic recovery (j0 fixed)', () => {
  it('full fit (profiles): truth inside every 95 % interval, χ²_red ≈ 1, no other basin, σ_pos ≈ 1 µm', () => {
    const r = fitInclusion(section6Observations(101), section6CurrentLog(), section6Model());
    const f = r.fit;
    expect(f.converged).toBe(true);
    expect(r.nPoints).toBe(602);
    expect(Math.abs(r.sigmaPosUm - 1)).toBeLessThan(0.12);
    expect(f.chi2Red).toBeGreaterThan(0.8);
    expect(f.chi2Red).toBeLessThan(1.2);
    expect(f.otherBasins).toEqual([]);
    expect(f.notIdentifiable).toEqual([]);
    for (const [name, truth] of Object.entries(TRUTH)) {
      const p = f.parameters.find((q) => q.name === name)!;
      expect(p.ciMethod).toBe('profile');
      expect(p.ci95![0]).toBeLessThan(truth);
      expect(p.ci95![1]).toBeGreaterThan(truth);
      // Profile and Jacobian intervals agree to within 30 % in width (near-quadratic problem).
      const wP = p.ci95Profile![1] - p.ci95Profile![0];
      const wJ = p.ci95Jacobian![1] - p.ci95Jacobian![0];
      expect(Math.abs(wP / wJ - 1)).toBeLessThan(0.3);
    }
    // Absolute accuracy at 1 µm noise (MODEL.md §6 SDs: h 0.14 %, η_th 0.011 mV, r 0.0009; 4 SD here).
    expect(Math.abs(r.values.h_ext_um! - 1)).toBeLessThan(0.008);
    expect(Math.abs(r.values.eta_th_mV! - 5)).toBeLessThan(0.08);
    expect(Math.abs(r.values.thickness_ratio! - 1.2)).toBeLessThan(0.005);
    expect(Math.abs(r.length0Um.value - 300)).toBeLessThan(0.6);
    // Residual rows: one front and one back per frame, residual = data − model.
    expect(r.rows.length).toBe(602);
    for (const row of r.rows.slice(0, 10)) expect(row.residualUm).toBeCloseTo(row.dataUm - row.modelUm, 9);
    const json = fitReportJson(r);
    expect(json.schema_version).toBe(1);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['model', 'converged', 'chi2_red', 'parameters', 'correlations', 'not_identifiable', 'n_points', 'sigma_pos_um', 'starts', 'other_basins']));
    const pj = json.parameters as Record<string, { fixed: boolean; ci_method: string; unit: string }>;
    expect(pj.j0_mA_per_cm2).toMatchObject({ fixed: true, ci_method: 'fixed', unit: 'mA/cm2' });
    expect(pj.eta_th_mV).toMatchObject({ fixed: false, ci_method: 'profile', unit: 'mV' });
  });

  it('four seeded replicates (Jacobian intervals): |mean − truth| < 3 SE of the mean and ≥ 3 of 4 intervals cover the truth', () => {
    const est: Record<string, number[]> = { h_ext_um: [], eta_th_mV: [], thickness_ratio: [] };
    const se: Record<string, number[]> = { h_ext_um: [], eta_th_mV: [], thickness_ratio: [] };
    const cover: Record<string, number> = { h_ext_um: 0, eta_th_mV: 0, thickness_ratio: 0 };
    for (let seed = 1; seed <= 4; seed++) {
      const r = fitInclusion(section6Observations(seed), section6CurrentLog(), section6Model(), { skipProfiles: true, starts: 10 });
      for (const name of Object.keys(est)) {
        const p = r.fit.parameters.find((q) => q.name === name)!;
        est[name].push(p.value);
        se[name].push(p.se!);
        if (p.ci95![0] <= TRUTH[name] && TRUTH[name] <= p.ci95![1]) cover[name] += 1;
      }
    }
    for (const name of Object.keys(est)) {
      const mean = est[name].reduce((a, b) => a + b, 0) / 4;
      const seMean = se[name].reduce((a, b) => a + b, 0) / 4 / 2; // SE of a mean of 4
      // |bias| bound: 3 standard errors of the mean of 4 replicates.
      expect(Math.abs(mean - TRUTH[name])).toBeLessThan(3 * seMean);
      expect(cover[name]).toBeGreaterThanOrEqual(3);
    }
  });

  it('plating edge is only an orientation: left and bottom give the same estimates (1e-6) on the same noise', () => {
    const a = fitInclusion(section6Observations(7, SECTION6_TRUTH, 'left'), section6CurrentLog(), section6Model('left'), { skipProfiles: true, starts: 10 });
    const b = fitInclusion(section6Observations(7, SECTION6_TRUTH, 'bottom'), section6CurrentLog(), section6Model('bottom'), { skipProfiles: true, starts: 10 });
    for (let k = 0; k < 3; k++) expect(Math.abs(a.fit.x[k] / b.fit.x[k] - 1)).toBeLessThan(1e-6);
    // A wrong edge (front nearer the plating edge than back) is an input error, not a fit.
    expect(() => fitInclusion(section6Observations(7, SECTION6_TRUTH, 'left'), section6CurrentLog(), section6Model('right'))).toThrow(/front is not farther from the plating edge/);
  });

  it('several inclusions in the table: --inclusion is required, and selects one', () => {
    const a = section6Observations(11);
    const b = section6Observations(12).map((o) => ({ ...o, inclusionId: 4 }));
    expect(() => fitInclusion([...a, ...b], section6CurrentLog(), section6Model())).toThrow(/holds 2 inclusions \(ids 1, 4\); the fit needs one/);
    const r = fitInclusion([...a, ...b], section6CurrentLog(), section6Model(), { inclusionId: 4, skipProfiles: true, starts: 10 });
    expect(r.inclusionId).toBe(4);
    expect(r.nPoints).toBe(602);
  });

  it('clock offset (truth 6 s, frames 10 s) is recovered as a bounded nuisance parameter', () => {
    const truth = { ...SECTION6_TRUTH, clockOffsetS: 6 };
    const m = parseModelFile(section6ModelYaml('left', '[h_ext_um, eta_th_mV, thickness_ratio, clock_offset_s]'));
    const r = fitInclusion(section6Observations(3, truth), section6CurrentLog(), m, { skipProfiles: true, starts: 10 });
    const c = r.fit.parameters.find((q) => q.name === 'clock_offset_s')!;
    expect(c.ci95![0]).toBeLessThan(6);
    expect(c.ci95![1]).toBeGreaterThan(6);
    expect(Math.abs(c.value - 6)).toBeLessThan(2);
    expect(Math.abs(r.values.h_ext_um! - 1)).toBeLessThan(0.01);
  });
});

describe('fitInclusion: identifiability of j0 (MODEL.md §2.7, §6)', () => {
  it('fitting h_ext, η_th, j0 and r flags corr(h_ext, j0) ≈ 1 and reports j0 not identifiable, fixed at its default', () => {
    const m = parseModelFile(section6ModelYaml('left', '[h_ext_um, eta_th_mV, j0_mA_per_cm2, thickness_ratio]', '{alpha: 0.5}'));
    const r = fitInclusion(section6Observations(2), section6CurrentLog(), m);
    const ni = r.fit.notIdentifiable;
    expect(ni.map((n) => n.name)).toEqual(['j0_mA_per_cm2']);
    expect(ni[0].reason).toMatch(/corr\(j0_mA_per_cm2, h_ext_um\) = 0\.99\d\d/);
    expect(ni[0].fixedAt).toBe(5);
    // Its profile (computed before fixing) contains the truth.
    expect(ni[0].profile!.ci95[0]).toBeLessThan(5);
    expect(ni[0].profile!.ci95[1]).toBeGreaterThan(5);
    const j0 = r.fit.parameters.find((q) => q.name === 'j0_mA_per_cm2')!;
    expect(j0.fixed).toBe(true);
    expect(r.fit.freeNames).toEqual(['h_ext_um', 'eta_th_mV', 'thickness_ratio', 'length0_um']);
    expect(Math.abs(r.values.h_ext_um! - 1)).toBeLessThan(0.01);
    const json = fitReportJson(r);
    expect((json.not_identifiable as Array<{ name: string }>)[0].name).toBe('j0_mA_per_cm2');
  });
});

describe('fitInclusion: pressurisation lag (A+, MODEL.md §2.6)', () => {
  it('tau_s is recovered from data simulated with the lag (E = 1500 GPa → τ ≈ 80 s at L0 = 300 µm)', () => {
    const p = defaultReducedParams();
    Object.assign(p, { sigmaSPerM: 0.1, hExtM: 1e-6, hRefillM: 1e-6, hDissM: 1.2e-6, j0APerM2: 50, etaThV: 0.005, smoothingEpsV: 0, rtol: 1e-9 });
    p.lag = { youngPa: 1500e9, poisson: 0.26 };
    const l0 = 300e-6;
    // τ = C·R_tot·(F/V_m)², C = 2π(1 − ν²)(L/2)²w/E, R_tot = R_acc + 2RT/(F·j0·A_ct) (MODEL.md §2.6).
    const sf = shapeFactors('strip', l0, 0.1, p.widthM);
    const rTot = sf.rAccOhm + (2 * thermalVoltageV(298.15)) / (50 * sf.aCtM2);
    const tauTrue = ((2 * Math.PI * (1 - 0.26 ** 2) * (l0 / 2) ** 2 * p.widthM) / 1500e9) * rTot * F_OVER_VM_PA_PER_V ** 2;
    const times = Float64Array.from({ length: 301 }, (_, k) => k * 10);
    const run = simulateReduced(p, { tS: [0, 1200, 2400], jnAPerM2: [4.7, -4.7, 9.4] }, { s1M: 0, s2M: l0, t0S: 0 }, times);
    const rng = seededRandom(3);
    const obs: InclusionObservation[] = Array.from(times, (t, k) => {
      const xf = 150 + run.s1M[k] * 1e6 + rng.normal();
      const xb = 150 + run.s2M[k] * 1e6 + rng.normal();
      return { inclusionId: 1, frame: k, tS: t, frontXUm: 900 - xf, frontYUm: 400, backXUm: 900 - xb, backYUm: 400, centroidXUm: 900 - (xf + xb) / 2, centroidYUm: 400, areaUm2: 600, line: k + 2 };
    });
    const m = parseModelFile(section6ModelYaml('left', '[h_ext_um, eta_th_mV, thickness_ratio, tau_s]'));
    const r = fitInclusion(obs, section6CurrentLog(), m, { skipProfiles: true, starts: 10 });
    const tau = r.fit.parameters.find((q) => q.name === 'tau_s')!;
    expect(tauTrue).toBeGreaterThan(70);
    expect(tauTrue).toBeLessThan(90);
    expect(tau.ci95![0]).toBeLessThan(tauTrue);
    expect(tau.ci95![1]).toBeGreaterThan(tauTrue);
    expect(Math.abs(tau.value / tauTrue - 1)).toBeLessThan(0.15);
    expect(r.fit.notIdentifiable).toEqual([]);
  });
});
