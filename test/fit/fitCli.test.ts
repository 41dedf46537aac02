import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SECTION6_TRUTH, currentCsvText, inclusionsCsvText, section6CurrentLog, section6ModelYaml, section6Observations } from './syntheticInclusion.js';

const dir = mkdtempSync(join(tmpdir(), 'lidtrack-fit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the CLI in-process; capture stderr and stdout. */
async function run(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  try {
    const code = await main(args);
    return { code, stderr, stdout };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

const inc = join(dir, 'inclusions.csv');
const cur = join(dir, 'current.csv');
const model = join(dir, 'model.yaml');
writeFileSync(inc, inclusionsCsvText(section6Observations(42, SECTION6_TRUTH, 'top')));
writeFileSync(cur, currentCsvText(section6CurrentLog()));
writeFileSync(model, section6ModelYaml('top'));

describe('lidtrack fit (CLI through main())', () => {
  it('fits synthetic data: fit.json values bracket the truth within their CIs; residual CSV, SVG and spec written', async () => {
    const out = join(dir, 'out');
    const r = await run(['fit', inc, '--current', cur, '--model-file', model, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fit: converged=true/);
    const json = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(json).toMatchObject({ schema_version: 1, model: 'reduced', converged: true, n_points: 602, not_identifiable: [], other_basins: [] });
    expect(json.chi2_red).toBeGreaterThan(0.8);
    expect(json.chi2_red).toBeLessThan(1.2);
    const truth: Record<string, number> = { h_ext_um: 1, eta_th_mV: 5, thickness_ratio: 1.2 };
    for (const [name, t] of Object.entries(truth)) {
      const p = json.parameters[name];
      expect(p.fixed).toBe(false);
      expect(p.ci_method).toBe('profile');
      expect(p.ci95[0]).toBeLessThan(t);
      expect(p.ci95[1]).toBeGreaterThan(t);
    }
    expect(json.parameters.j0_mA_per_cm2).toMatchObject({ value: 5, fixed: true, ci95: null });
    expect(Math.abs(json.correlations.h_ext_um.eta_th_mV)).toBeLessThan(1);
    const csv = readFileSync(join(out, 'fit-residuals.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_s,observable,data_um,model_um,residual_um,normalised');
    expect(csv.length).toBe(603);
    const svg = readFileSync(join(out, 'fit-plot.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('residual / σ_pos');
    const spec = JSON.parse(readFileSync(join(out, 'fit-plot.vl.json'), 'utf8'));
    expect(spec.data.values.length).toBe(602);
    // Existing results without --force: one line, exit 2, nothing overwritten.
    const again = await run(['fit', inc, '--current', cur, '--model-file', model, '--out', out]);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n').length).toBe(1);
    expect(again.stderr).toMatch(/already holds fit results.*--force/);
  });

  it('a bad model file (unknown key, bad bound) exits 2 with one line naming the problem', async () => {
    const cases: Array<[string, RegExp]> = [
      [section6ModelYaml('top').replace('theta_deg', 'theta_degree'), /unknown key "theta_degree".*did you mean "theta_deg"/],
      [section6ModelYaml('top').replace('thickness_ratio: [0.2, 5]', 'thickness_ratio: [5, 0.2]'), /bounds.thickness_ratio = \[5, 0.2\]: lower must be < upper/],
    ];
    for (const [text, re] of cases) {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(bad, text);
      const out = join(dir, 'bad-out');
      const r = await run(['fit', inc, '--current', cur, '--model-file', bad, '--out', out]);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^lidtrack: /);
      expect(lines[0]).toMatch(re);
      expect(existsSync(join(out, 'fit.json'))).toBe(false);
    }
  });

  it('bad inputs exit 2 with one line: missing current column, --bootstrap not an integer, unknown --inclusion', async () => {
    const badCur = join(dir, 'badcur.csv');
    writeFileSync(badCur, 'x,current_mA\n0,0.1\n');
    const a = await run(['fit', inc, '--current', badCur, '--model-file', model, '--out', join(dir, 'o1')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/badcur.csv:1: no time column/);
    const b = await run(['fit', inc, '--current', cur, '--model-file', model, '--out', join(dir, 'o2'), '--bootstrap', 'many']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--bootstrap: --bootstrap must be a non-negative integer \(got "many"\)/);
    const c = await run(['fit', inc, '--current', cur, '--model-file', model, '--out', join(dir, 'o3'), '--inclusion', '9']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--inclusion 9: no such inclusion_id/);
    for (const x of [a, b, c]) expect(x.stderr.trim().split('\n').length).toBe(1);
  });
});

describe('lidtrack fit --bootstrap', () => {
  it('--bootstrap 30 --force: percentile intervals (ci_method bootstrap) that contain the truth; profile kept beside', async () => {
    const out = join(dir, 'boot');
    const r = await run(['fit', inc, '--current', cur, '--model-file', model, '--out', out, '--bootstrap', '30', '--force']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(json.bootstrap_replicates_converged).toBeGreaterThanOrEqual(28);
    for (const [name, t] of Object.entries({ h_ext_um: 1, eta_th_mV: 5, thickness_ratio: 1.2 })) {
      const p = json.parameters[name];
      expect(p.ci_method).toBe('bootstrap');
      expect(p.ci95[0]).toBeLessThan(t);
      expect(p.ci95[1]).toBeGreaterThan(t);
      expect(p.ci95_profile).toHaveLength(2);
      // Bootstrap and profile widths agree within a factor 1.6 at 30 replicates.
      const ratio = (p.ci95[1] - p.ci95[0]) / (p.ci95_profile[1] - p.ci95_profile[0]);
      expect(ratio).toBeGreaterThan(1 / 1.6);
      expect(ratio).toBeLessThan(1.6);
    }
  });
});

describe('model: fv2d', () => {
  it('resolves to Model B’s simulateFv2d (same signature as simulateReduced)', async () => {
    const { fv2dSimulator } = await import('../../src/cli/commands/fit.js');
    const { simulateFv2d } = await import('../../src/model/fv2d/index.js');
    expect(await fv2dSimulator()).toBe(simulateFv2d);
  });
});
