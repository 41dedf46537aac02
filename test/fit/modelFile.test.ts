import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.js';
import { currentSegments } from '../../src/fit/inclusion/currentProgram.js';
import { estimateSigmaPosUm } from '../../src/fit/inclusion/estimateSigmaPos.js';
import { fieldAxisUm } from '../../src/fit/inclusion/fieldAxis.js';
import { parseModelFile } from '../../src/fit/inclusion/modelFile.js';
import { parseCurrentCsv } from '../../src/fit/inclusion/parseCurrentCsv.js';
import { parseInclusionsCsv } from '../../src/fit/inclusion/parseInclusionsCsv.js';
import { seededRandom } from '../../src/fit/seededRandom.js';
import { section6CurrentLog, section6ModelYaml } from './syntheticInclusion.js';

function configMessage(text: string): string {
  try {
    parseModelFile(text, 'm.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).oneLine();
  }
  throw new Error('expected a ConfigError');
}

describe('model file (strict schema)', () => {
  it('the SPEC.md example parses, with defaults filled in', () => {
    const m = parseModelFile(section6ModelYaml('left'));
    expect(m.model).toBe('reduced');
    expect(m.fit).toEqual(['h_ext_um', 'eta_th_mV', 'thickness_ratio']);
    expect(m.fixed.j0_mA_per_cm2).toBe(5);
    expect(m.kinetics).toBe('bv');
    expect(m.starts).toBeUndefined(); // 12 for reduced, 3 for fv2d, chosen by fitInclusion
  });
  it('an unknown key names the nearest valid key, at top level and under fixed/bounds', () => {
    expect(configMessage(section6ModelYaml().replace('plating_edge', 'plating_egde'))).toMatch(/unknown key "plating_egde".*did you mean "plating_edge"/);
    expect(configMessage(section6ModelYaml().replace('j0_mA_per_cm2: 5.0', 'j0_mA_cm2: 5.0'))).toMatch(/unknown key "fixed.j0_mA_cm2".*did you mean "fixed.j0_mA_per_cm2"/);
    expect(configMessage(section6ModelYaml().replace('h_ext_um: [0.05', 'hext_um: [0.05'))).toMatch(/did you mean "bounds.h_ext_um"/);
  });
  it('bad bounds, bad values and contradictions are errors naming the key and the value', () => {
    expect(configMessage(section6ModelYaml().replace('h_ext_um: [0.05, 5]', 'h_ext_um: [5, 0.05]'))).toMatch(/bounds.h_ext_um = \[5, 0.05\]: lower must be < upper/);
    expect(configMessage(section6ModelYaml().replace('h_ext_um: [0.05, 5]', 'h_ext_um: [0, 5]'))).toMatch(/needs lower > 0/);
    expect(configMessage(section6ModelYaml().replace('eta_th_mV: [0, 20]', 'eta_th_mV: [-1, 20]'))).toMatch(/cannot be negative/);
    expect(configMessage(section6ModelYaml().replace('sigma_mS_per_cm: 1.0', 'sigma_mS_per_cm: -1'))).toMatch(/sigma_mS_per_cm: must be > 0 \(got -1\)/);
    expect(configMessage(section6ModelYaml().replace('shape: strip', 'shape: cube'))).toMatch(/^m.yaml: shape:/);
    expect(configMessage(section6ModelYaml('left', '[h_ext_um, j0_mA_per_cm2]'))).toMatch(/j0_mA_per_cm2 is both in fit and in fixed/);
    expect(configMessage('model: [unclosed')).toMatch(/not valid YAML/);
  });
});

describe('CSV readers', () => {
  it('current log: header matched case-insensitively; bad cells and non-increasing times name the line', () => {
    const log = parseCurrentCsv('T_S,Current_MA,voltage_V\n0,0.1,1\n10,0.1,1\n', 'c.csv');
    expect(Array.from(log.tS)).toEqual([0, 10]);
    expect(Array.from(log.currentMA)).toEqual([0.1, 0.1]);
    expect(() => parseCurrentCsv('t_s,current_mA\n0,0.1\n10,abc\n', 'c.csv')).toThrow(/c.csv:3: current_mA = "abc" is not a finite number/);
    expect(() => parseCurrentCsv('t_s,current_mA\n0,0.1\n0,0.2\n', 'c.csv')).toThrow(/c.csv:3: t_s = 0 does not increase/);
    expect(() => parseCurrentCsv('time,current_mA\n0,0.1\n', 'c.csv')).toThrow(InputError);
    expect(() => parseCurrentCsv('time,current_mA\n0,0.1\n', 'c.csv')).toThrow(/column "t_s" is missing/);
  });
  it('inclusions.csv: contract columns required; ids must be integers', () => {
    const head = 'inclusion_id,frame,t_s,front_x_um,front_y_um,back_x_um,back_y_um,centroid_x_um,centroid_y_um,area_um2';
    const rows = parseInclusionsCsv(`${head}\n1,0,0,1,2,3,4,2,3,10\n`, 'i.csv');
    expect(rows[0]).toMatchObject({ inclusionId: 1, frame: 0, frontXUm: 1, backYUm: 4, line: 2 });
    expect(() => parseInclusionsCsv(`${head}\n1.5,0,0,1,2,3,4,2,3,10\n`, 'i.csv')).toThrow(/i.csv:2: inclusion_id and frame must be non-negative integers/);
    expect(() => parseInclusionsCsv('inclusion_id,frame,t_s\n1,0,0\n', 'i.csv')).toThrow(/column "front_x_um" is missing/);
  });
});

describe('field axis, current programme and σ_pos', () => {
  it('lab x points toward the plating edge for all four edges', () => {
    // A point nearer the plating edge has the larger lab coordinate.
    expect(fieldAxisUm(90, 0, 'right')).toBeGreaterThan(fieldAxisUm(10, 0, 'right'));
    expect(fieldAxisUm(10, 0, 'left')).toBeGreaterThan(fieldAxisUm(90, 0, 'left'));
    expect(fieldAxisUm(0, 90, 'bottom')).toBeGreaterThan(fieldAxisUm(0, 10, 'bottom'));
    expect(fieldAxisUm(0, 10, 'top')).toBeGreaterThan(fieldAxisUm(0, 90, 'top'));
  });
  it('a 301-sample galvanostatic log becomes three segments with j_n = I/A (A/m²), charge preserved', () => {
    const seg = currentSegments(section6CurrentLog(), 0.25);
    expect(seg.tS).toEqual([0, 1200, 2400]);
    expect(seg.jnAPerM2.map((j) => Number(j.toFixed(9)))).toEqual([4.7, -4.7, 9.4]);
    // Noisy log (±0.02 % of I): still merged, mean current within 1e-4 relative.
    const rng = seededRandom(1);
    const noisy = section6CurrentLog();
    noisy.currentMA = noisy.currentMA.map((i) => i * (1 + 2e-4 * (rng.uniform() - 0.5)));
    const s2 = currentSegments(noisy, 0.25);
    expect(s2.tS).toEqual([0, 1200, 2400]);
    expect(Math.abs(s2.jnAPerM2[0] / 4.7 - 1)).toBeLessThan(1e-4);
  });
  it('σ_pos from second differences recovers 1 µm white noise on piecewise-linear tracks within 10 %', () => {
    const rng = seededRandom(8);
    const a = Float64Array.from({ length: 300 }, (_, i) => (i < 120 ? -0.7 * i : -84 + 0.5 * (i - 120)) + rng.normal());
    const b = Float64Array.from({ length: 300 }, (_, i) => 300 - 0.3 * i + rng.normal());
    expect(Math.abs(estimateSigmaPosUm([a, b]) - 1)).toBeLessThan(0.1);
  });
});
