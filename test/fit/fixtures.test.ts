import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitInclusion } from '../../src/fit/inclusion/fitInclusion.js';
import { parseModelFile } from '../../src/fit/inclusion/modelFile.js';
import { parseCurrentCsv } from '../../src/fit/inclusion/parseCurrentCsv.js';
import { parseInclusionsCsv } from '../../src/fit/inclusion/parseInclusionsCsv.js';
import { FIXTURE_DIR, fitFixtureFiles } from './makeFitFixtures.js';

const read = (name: string) => readFileSync(new URL(name, FIXTURE_DIR), 'utf8');

describe('fixtures/fit', () => {
  it('section6 fixture matches its generator (Model A + seeded noise) within 1e-3 µm', () => {
    const fresh = parseInclusionsCsv(fitFixtureFiles()['inclusions.csv']);
    const stored = parseInclusionsCsv(read('inclusions.csv'));
    expect(stored.length).toBe(fresh.length);
    let worst = 0;
    for (let i = 0; i < stored.length; i++) {
      worst = Math.max(worst, Math.abs(stored[i].frontXUm - fresh[i].frontXUm), Math.abs(stored[i].backXUm - fresh[i].backXUm));
    }
    expect(worst).toBeLessThan(1e-3);
    expect(read('current.csv')).toBe(fitFixtureFiles()['current.csv']);
  });
  it('the example model files validate, and the fixture fit recovers the truth within its intervals', () => {
    parseModelFile(readFileSync(new URL('../model-reduced.yaml', FIXTURE_DIR), 'utf8'), 'fixtures/fit/model-reduced.yaml');
    const truth = JSON.parse(read('truth.json'));
    const r = fitInclusion(parseInclusionsCsv(read('inclusions.csv')), parseCurrentCsv(read('current.csv')), parseModelFile(read('model.yaml')), { skipProfiles: true });
    for (const [name, t] of [['h_ext_um', truth.hExtUm], ['eta_th_mV', truth.etaThMV], ['thickness_ratio', truth.thicknessRatio]] as const) {
      const p = r.fit.parameters.find((q) => q.name === name)!;
      expect(p.ci95![0]).toBeLessThan(t);
      expect(p.ci95![1]).toBeGreaterThan(t);
    }
  });

  it('fixtures/ili_model (render stage, Model A truth: h_ext 0.1 µm, η_th 1 mV): exact recovery from the noise-free truth tracks', () => {
    const dir = new URL('../../ili_model/', FIXTURE_DIR);
    const model = parseModelFile(
      [
        'model: reduced', 'plating_edge: left', 'shape: strip', 'theta_deg: 0', 'sigma_mS_per_cm: 1.0', 'electrode_area_cm2: 0.25', 'width_um: 400',
        'fixed: {j0_mA_per_cm2: 5.0, thickness_ratio: 1.0}', 'fit: [h_ext_um, eta_th_mV]', 'sigma_pos_um: 0.05',
      ].join('\n'),
    );
    const r = fitInclusion(
      parseInclusionsCsv(readFileSync(new URL('truth_inclusions.csv', dir), 'utf8')),
      parseCurrentCsv(readFileSync(new URL('current.csv', dir), 'utf8')),
      model,
      { skipProfiles: true },
    );
    expect(r.fit.converged).toBe(true);
    expect(Math.abs(r.values.h_ext_um! - 0.1)).toBeLessThan(1e-4);
    expect(Math.abs(r.values.eta_th_mV! - 1)).toBeLessThan(1e-3);
    expect(Math.abs(r.length0Um.value - 60)).toBeLessThan(1e-3);
    expect(Math.max(...r.rows.map((q) => Math.abs(q.residualUm)))).toBeLessThan(1e-3);
  });
});
