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
    expect(err(head + 'scene:\n  inclusions: [{id: 1, origin_um: [1, 2], trajectory: [{t_s: 0, back_um: 5, front_um: 2}]}]\n').message).toMatch(
      /front_um must exceed back_um/,
    );
    expect(err('frame: [').message).toMatch(/not valid YAML/);
  });
});
