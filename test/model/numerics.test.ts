import { describe, expect, it } from 'vitest';
import { adaptiveQuadrature } from '../../src/model/numerics/adaptiveQuadrature.js';
import { monotoneRoot, monotoneRootNoDerivative } from '../../src/model/numerics/monotoneRoot.js';
import { ScalarDopri } from '../../src/model/numerics/scalarDopri.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('model numerics', () => {
  it('Dormand–Prince 5(4): y′ = y to rtol 1e-10, dense output as accurate as the steps', () => {
    const s = new ScalarDopri((_t, y) => y, 0, 1, 3, { rtol: 1e-10, atol: 1e-14 });
    let maxStep = 0;
    let maxDense = 0;
    while (s.step()) {
      maxStep = Math.max(maxStep, rel(s.y, Math.exp(s.t)));
      for (let q = 1; q < 10; q++) {
        const tq = s.tPrev + ((s.t - s.tPrev) * q) / 10;
        maxDense = Math.max(maxDense, rel(s.dense(tq), Math.exp(tq)));
      }
    }
    expect(s.t).toBe(3);
    expect(maxStep).toBeLessThan(1e-9);
    expect(maxDense).toBeLessThan(1e-9);
  });

  it('Dormand–Prince: logistic y′ = y(1 − y) with a non-autonomous check y′ = cos t', () => {
    const s = new ScalarDopri((_t, y) => y * (1 - y), 0, 0.01, 20, { rtol: 1e-9, atol: 1e-15 });
    while (s.step());
    const exact = 1 / (1 + 99 * Math.exp(-20));
    expect(rel(s.y, exact)).toBeLessThan(1e-8);
    const c = new ScalarDopri((t) => Math.cos(t), 0, 0, 10, { rtol: 1e-10, atol: 1e-12 });
    while (c.step());
    expect(Math.abs(c.y - Math.sin(10))).toBeLessThan(1e-9);
  });

  it('Gauss–Kronrod quadrature with a log endpoint singularity: ∫₀¹ ln x dx = −1, ∫₀^{π/4} du/(−ln tan u)', () => {
    expect(rel(adaptiveQuadrature((x) => (x === 0 ? 0 : Math.log(x)), 0, 1, { relTol: 1e-12 }), -1)).toBeLessThan(1e-10);
    expect(rel(adaptiveQuadrature((x) => Math.exp(-x * x), -5, 5), Math.sqrt(Math.PI))).toBeLessThan(1e-10);
  });

  it('safeguarded Newton and Illinois bracketing find roots of monotone functions', () => {
    const r = monotoneRoot((x) => [x ** 3 - 2, 3 * x * x] as const, 0, 10, { x0: 9.9 });
    expect(rel(r, Math.cbrt(2))).toBeLessThan(1e-14);
    // Derivative useless (0): pure bisection still converges.
    expect(rel(monotoneRoot((x) => [Math.atan(x - 1), 0] as const, -100, 100), 1)).toBeLessThan(1e-13);
    expect(rel(monotoneRootNoDerivative((x) => Math.expm1(x) - 1, 0, 5), Math.log(2))).toBeLessThan(1e-13);
  });
});
