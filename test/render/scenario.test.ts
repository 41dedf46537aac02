import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseScenarioYaml } from '../../src/render/parseScenario.js';

const head = 'frame: {width_px: 64, height_px: 48}\ncalibration: {um_per_px: 0.5, plating_edge: bottom}\n';
const err = (yaml: string): ConfigError => {
  try {
    parseScenarioYaml(yaml, 's.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('scenario validation (strict, helpful messages)', () => {
  it('fills documented defaults', () => {
    const sc = parseScenarioYaml(head);
    expect(sc.timing).toMatchObject({ fps: 10, n_frames: 60, jitter_frac: 0, time_base_hz: 1000 });
    expect(sc.optics).toMatchObject({ blur_sigma_px: 1, noise_sigma: 2, flicker_pct: 0, drift: { amplitude_px: 0, jitter_px: 0 } });
    expect(sc.scene.crack_contrast_pct).toBe(35);
    expect(sc.output).toMatchObject({ format: 'mp4', crf: 18, bit_depth: 8 });
  });
  it('unknown keys name the nearest valid key, at any depth', () => {
    expect(err(head + 'optics: {blur_sigma: 2}\n').message).toMatch(/unknown key "blur_sigma" in optics; did you mean "blur_sigma_px"/);
    expect(err(head + 'scene:\n  dendrites: [{id: 1, base_um: 3, speed_um_per_s: 1, widht0_um: 2}]\n').message).toMatch(
      /unknown key "widht0_um" in scene\.dendrites\[0\]; did you mean "width0_um"/,
    );
    expect(err(head + 'timming: {fps: 3}\n').message).toMatch(/did you mean "timing"/);
  });
  it('bad values name the path, the rule and the value', () => {
    expect(err(head.replace('0.5', '-1')).message).toMatch(/calibration\.um_per_px: .*got -1/);
    expect(err(head.replace('bottom', 'down')).message).toMatch(/calibration\.plating_edge.*got "down"/);
    expect(err(head + 'scene:\n  dendrites: [{id: 1, base_um: 3}]\n').message).toMatch(/exactly one of speed_um_per_s or speed_segments/);
    expect(err(head + 'timing: {jitter_frac: 0.3}\noutput: {format: avi}\n').message).toMatch(/AVI cannot carry irregular/);
    expect(err(head.replace('64', '63')).message).toMatch(/even width and height/);
    expect(err(head + 'timing: {start_s: 2}\noutput: {format: avi}\n').message).toMatch(/timing\.start_s: AVI has no timestamps/);
    expect(err(head + 'scene:\n  inclusions: [{id: 1, origin_um: [1, 2], trajectory: [{t_s: 0, back_um: 5, front_um: 2}]}]\n').message).toMatch(
      /front_um must exceed back_um/,
    );
    expect(err('frame: [').message).toMatch(/not valid YAML/);
  });
});

describe('trajectory_csv (e.g. a Model B run exported as CSV)', () => {
  it('is read relative to the scenario file; a bad row names file and line', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadScenario } = await import('../../src/render/parseScenario.js');
    const { InputError } = await import('../../src/core/errors.js');
    const dir = mkdtempSync(join(tmpdir(), 'lidtrack-traj-'));
    try {
      writeFileSync(join(dir, 'run.csv'), 'T_s,Front_um,Back_um\n0,50,0\n10,60,10\n');
      const yml = head + 'scene:\n  inclusions: [{id: 1, origin_um: [10, 10], trajectory_csv: run.csv}]\n';
      writeFileSync(join(dir, 's.yaml'), yml);
      const sc = loadScenario(join(dir, 's.yaml'));
      expect(sc.scene.inclusions[0].trajectory).toEqual([
        { t_s: 0, back_um: 0, front_um: 50, patches_um: [] },
        { t_s: 10, back_um: 10, front_um: 60, patches_um: [] },
      ]);
      writeFileSync(join(dir, 'run.csv'), 't_s,back_um,front_um\n0,0,50\n10,x,60\n');
      expect(() => loadScenario(join(dir, 's.yaml'))).toThrow(InputError);
      expect(() => loadScenario(join(dir, 's.yaml'))).toThrow(/run\.csv: line 3: non-numeric/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
