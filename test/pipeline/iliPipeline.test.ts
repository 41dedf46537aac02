/**
 * i-Li end to end: `lidtrack run pipelines/ili-migration.yaml` (track the Model A rendering with
 * its potentiostat log, then fit Model A). Truth: fixtures/ili_model/scenario.yaml
 * (h_ext = 0.1 µm, η_th = 1 mV, ±0.75 mA for 30 s each).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipelineFile } from '../../src/pipeline/runPipelineFile.js';

describe('pipelines/ili-migration.yaml: track → fit', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'lidtrack-ili-')), 'run');
  const r = await runPipelineFile('pipelines/ili-migration.yaml', ['track.report=false'], out);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

  it('one inclusion, two phases cut at the reversal (30 s), signs from the log', () => {
    expect(summary.inclusions.length).toBe(1);
    const ph = summary.inclusions[0].phases;
    expect(ph.map((p: { current_sign: number }) => p.current_sign)).toEqual([1, -1]);
    expect(Math.abs(ph[0].t_end_s - 30)).toBeLessThan(0.6);
  });
  it('under +I the inclusion migrates away from the plating edge; area conserved within 5 %', () => {
    const p0 = summary.inclusions[0].phases[0];
    expect(p0.front_velocity_um_per_s).toBeGreaterThan(0);
    expect(p0.back_velocity_um_per_s).toBeGreaterThan(0);
    expect(Math.abs(p0.area_change_rel)).toBeLessThan(0.05);
  });
  it('the fit converges and recovers h_ext within 2 % of the generating 0.1 µm', () => {
    expect(r.fit).not.toBeNull();
    const fit = JSON.parse(readFileSync(join(out, 'fit', 'fit.json'), 'utf8'));
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.parameters.h_ext_um.value / 0.1 - 1)).toBeLessThan(0.02);
  });
});
