import { describe, expect, it } from 'vitest';
import { currentProgramFromLog, defaultReducedParams, simulateReduced } from '../../src/model/index.js';
import { InputError } from '../../src/core/errors.js';

describe('currentProgramFromLog', () => {
  const area = 2.5e-5; // 0.25 cm²

  it('zero-order hold, j_n = I/A, exact repeats merged', () => {
    const prog = currentProgramFromLog([0, 1, 2, 3, 4], [1.175e-4, 1.175e-4, -1.175e-4, -1.175e-4, 0], area);
    expect(prog.tS).toEqual([0, 2, 4]);
    expect(prog.jnAPerM2.map((j) => Number(j.toFixed(9)))).toEqual([4.7, -4.7, 0]);
  });

  it('merges noisy samples within tolerance, preserving the charge of each run', () => {
    const t = Array.from({ length: 21 }, (_, i) => i * 10);
    const i = t.map((_, k) => (k < 10 ? 1e-4 * (1 + 0.001 * Math.sin(k)) : -1e-4 * (1 + 0.001 * Math.cos(k))));
    const prog = currentProgramFromLog(t, i, area, { mergeRelTol: 0.01 });
    expect(prog.tS).toEqual([0, 100]);
    const q = i.slice(0, 10).reduce((s, x) => s + x * 10, 0);
    expect(Math.abs(prog.jnAPerM2[0] * area * 100 - q) / Math.abs(q)).toBeLessThan(1e-12);
  });

  it('a program with repeated values gives the same run as its merged form', () => {
    const p = { ...defaultReducedParams(), hDissM: 1.2e-6, etaThV: 5e-3 };
    const times = Array.from({ length: 61 }, (_, k) => 50 * k);
    const split = { tS: [0, 300, 600, 1200, 1500, 2400], jnAPerM2: [4.7, 4.7, 4.7, -4.7, -4.7, 9.4] };
    const merged = { tS: [0, 1200, 2400], jnAPerM2: [4.7, -4.7, 9.4] };
    const a = simulateReduced(p, split, { s1M: 0, s2M: 300e-6 }, times);
    const b = simulateReduced(p, merged, { s1M: 0, s2M: 300e-6 }, times);
    expect(Array.from(a.s1M)).toEqual(Array.from(b.s1M));
  });

  it('rejects unsorted times and a non-positive area with InputError', () => {
    expect(() => currentProgramFromLog([0, 0], [1, 1], area)).toThrow(InputError);
    expect(() => currentProgramFromLog([0, 1], [1, 1], 0)).toThrow(/electrode area/);
  });
});
