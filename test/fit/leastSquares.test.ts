import { describe, expect, it } from 'vitest';
import { solveBoundedLeastSquares } from '../../src/fit/boundedLeastSquares.js';
import { fitLeastSquares } from '../../src/fit/fitLeastSquares.js';
import { multiStartLeastSquares } from '../../src/fit/multiStartLeastSquares.js';
import { robustCost, robustWeights } from '../../src/fit/robustLoss.js';
import { seededRandom } from '../../src/fit/seededRandom.js';
import { sobolPoints } from '../../src/fit/sobolSequence.js';
import type { LeastSquaresProblem } from '../../src/fit/types.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** y = a + b·t with Gaussian noise; unbounded linear parameters. */
function linearProblem(n: number, seed: number) {
  const rng = seededRandom(seed);
  const t = Float64Array.from({ length: n }, (_, i) => i / (n - 1) * 10);
  const y = Float64Array.from(t, (ti) => 2 - 0.7 * ti + 0.3 * rng.normal());
  const problem: LeastSquaresProblem = {
    parameters: [
      { name: 'a', lower: -Infinity, upper: Infinity, transform: 'linear', initial: 0 },
      { name: 'b', lower: -Infinity, upper: Infinity, transform: 'linear', initial: 0 },
    ],
    nResiduals: n,
    residuals: (x) => Float64Array.from(t, (ti, i) => y[i] - (x[0] + x[1] * ti)),
  };
  return { t, y, problem };
}

describe('Sobol sequence', () => {
  it('the first 2^k points plus the origin put exactly one point in every 1/2^k interval of each dimension', () => {
    const k = 5;
    const pts = sobolPoints(2 ** k - 1, 8);
    for (let d = 0; d < 8; d++) {
      const bins = new Array(2 ** k).fill(0);
      bins[0] += 1; // the skipped origin
      for (const p of pts) bins[Math.floor(p[d] * 2 ** k)] += 1;
      expect(bins.every((b) => b === 1)).toBe(true);
    }
  });
  it('2D points 1..15 with the origin form a (0,4,2)-net: one point in every elementary box of area 1/16', () => {
    const pts = [new Float64Array(2), ...sobolPoints(15, 2)];
    for (const [nx, ny] of [[16, 1], [8, 2], [4, 4], [2, 8], [1, 16]]) {
      const bins = new Array(16).fill(0);
      for (const p of pts) bins[Math.floor(p[0] * nx) * ny + Math.floor(p[1] * ny)] += 1;
      expect(bins.every((b) => b === 1)).toBe(true);
    }
  });
});

describe('robust loss', () => {
  it('soft-ℓ1 weights give the exact gradient of the robust cost (vs central differences)', () => {
    const r = Float64Array.from([0.1, -1.5, 3, 7, -0.01]);
    const f = 2;
    const { wR, wJ } = robustWeights(r, 'soft_l1', f);
    for (let i = 0; i < r.length; i++) {
      const h = 1e-6;
      const rp = Float64Array.from(r);
      const rm = Float64Array.from(r);
      rp[i] += h;
      rm[i] -= h;
      const g = (robustCost(rp, 'soft_l1', f) - robustCost(rm, 'soft_l1', f)) / (2 * h);
      expect(Math.abs(wJ[i] * wR[i] * r[i] - g)).toBeLessThan(1e-7);
    }
    // Quadratic near zero: cost → ½ r² for |r| ≪ f.
    expect(rel(robustCost(Float64Array.from([1e-3]), 'soft_l1', 2), 0.5e-6)).toBeLessThan(1e-6);
  });
  it('soft-ℓ1 resists outliers: the location estimate stays within 0.05 of truth with 10 % gross outliers; linear loss does not', () => {
    const rng = seededRandom(3);
    const y = Float64Array.from({ length: 200 }, (_, i) => 5 + 0.1 * rng.normal() + (i % 10 === 0 ? 20 : 0));
    const problem: LeastSquaresProblem = {
      parameters: [{ name: 'mu', lower: -100, upper: 100, transform: 'linear', initial: 0 }],
      nResiduals: y.length,
      residuals: (x) => Float64Array.from(y, (yi) => (yi - x[0]) / 0.1),
    };
    const robust = solveBoundedLeastSquares(problem, [0], { loss: 'soft_l1', fScale: 2 });
    const plain = solveBoundedLeastSquares(problem, [0], { loss: 'linear' });
    expect(Math.abs(robust.x[0] - 5)).toBeLessThan(0.05);
    expect(Math.abs(plain.x[0] - 5)).toBeGreaterThan(1.5); // mean = 5 + 2
  });
});

describe('bounded Levenberg–Marquardt', () => {
  it('linear model: OLS estimate and covariance s²(XᵀX)⁻¹ in closed form (1e-6 / 1e-4 relative)', () => {
    const { t, y, problem } = linearProblem(50, 11);
    const fit = fitLeastSquares(problem, { starts: 1, profile: [] });
    const n = t.length;
    let st = 0, sy = 0, stt = 0, sty = 0;
    for (let i = 0; i < n; i++) { st += t[i]; sy += y[i]; stt += t[i] * t[i]; sty += t[i] * y[i]; }
    const det = n * stt - st * st;
    const b = (n * sty - st * sy) / det;
    const a = (sy - b * st) / n;
    expect(rel(fit.x[0], a)).toBeLessThan(1e-6);
    expect(rel(fit.x[1], b)).toBeLessThan(1e-6);
    let chi2 = 0;
    for (let i = 0; i < n; i++) chi2 += (y[i] - a - b * t[i]) ** 2;
    const s2 = chi2 / (n - 2);
    // (XᵀX)⁻¹ = [[Σt², −Σt], [−Σt, n]] / det
    expect(rel(fit.covariance.covUser[0], (s2 * stt) / det)).toBeLessThan(1e-4);
    expect(rel(fit.covariance.covUser[3], (s2 * n) / det)).toBeLessThan(1e-4);
    expect(rel(fit.covariance.covUser[1], (-s2 * st) / det)).toBeLessThan(1e-4);
    expect(rel(fit.correlation[1], -st / Math.sqrt(stt * n))).toBeLessThan(1e-4);
    expect(rel(fit.chi2Red, s2)).toBeLessThan(1e-9);
  });

  it('linear model: profile-likelihood interval equals â ± 1.96·SE (1e-3 relative half-width)', () => {
    const { problem } = linearProblem(40, 5);
    const fit = fitLeastSquares(problem, { starts: 1, profile: ['a', 'b'] });
    for (const pe of fit.parameters) {
      const half = 1.959964 * pe.se!;
      expect(pe.ciMethod).toBe('profile');
      expect(rel(pe.value - pe.ci95![0], half)).toBeLessThan(1e-3);
      expect(rel(pe.ci95![1] - pe.value, half)).toBeLessThan(1e-3);
    }
  });

  it('Rosenbrock as residuals: (−1.2, 1) → (1, 1) within 1e-6; with x1 ≤ 0.5 → (0.5, 0.25) on the bound', () => {
    const rosen = (lo1: number, hi1: number): LeastSquaresProblem => ({
      parameters: [
        { name: 'x1', lower: lo1, upper: hi1, transform: 'linear', scale: 1 },
        { name: 'x2', lower: -Infinity, upper: Infinity, transform: 'linear', scale: 1 },
      ],
      nResiduals: 2,
      residuals: (x) => Float64Array.from([10 * (x[1] - x[0] * x[0]), 1 - x[0]]),
    });
    const free = solveBoundedLeastSquares(rosen(-Infinity, Infinity), [-1.2, 1], { xtol: 1e-12, ftol: 1e-14, gtol: 1e-12 });
    expect(free.converged).toBe(true);
    expect(Math.abs(free.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(free.x[1] - 1)).toBeLessThan(1e-6);
    const bounded = solveBoundedLeastSquares(rosen(-2, 0.5), [-1.2, 1], { xtol: 1e-12, ftol: 1e-14, gtol: 1e-12 });
    expect(Math.abs(bounded.x[0] - 0.5)).toBeLessThan(1e-9);
    expect(Math.abs(bounded.x[1] - 0.25)).toBeLessThan(1e-6);
    expect(bounded.activeBounds).toEqual([0]);
    expect(Math.abs(bounded.cost - 0.125)).toBeLessThan(1e-9);
  });

  it('Broyden updates between forward-difference Jacobians: same Rosenbrock and exponential optima, fewer evaluations, fresh Jacobian returned', () => {
    const rosen: LeastSquaresProblem = {
      parameters: [
        { name: 'x1', lower: -Infinity, upper: Infinity, transform: 'linear' },
        { name: 'x2', lower: -Infinity, upper: Infinity, transform: 'linear' },
      ],
      nResiduals: 2,
      residuals: (x) => Float64Array.from([10 * (x[1] - x[0] * x[0]), 1 - x[0]]),
    };
    const tight = { xtol: 1e-12, ftol: 1e-14, gtol: 1e-12 };
    const b = solveBoundedLeastSquares(rosen, [-1.2, 1], { ...tight, broydenUpdates: 3 });
    expect(Math.abs(b.x[0] - 1)).toBeLessThan(1e-6);
    expect(Math.abs(b.x[1] - 1)).toBeLessThan(1e-6);
    // Returned Jacobian = forward differences at the solution: [[-20 x1, 10], [-1, 0]].
    expect(Math.abs(b.jacobian[0] + 20)).toBeLessThan(1e-2);
    expect(Math.abs(b.jacobian[1] - 10)).toBeLessThan(1e-6);
    expect(Math.abs(b.jacobian[2] + 1)).toBeLessThan(1e-9);
    const t = Float64Array.from({ length: 40 }, (_, i) => i * 0.2);
    const expo: LeastSquaresProblem = {
      parameters: [
        { name: 'A', lower: 0.1, upper: 100, transform: 'log', initial: 1 },
        { name: 'k', lower: 0.01, upper: 10, transform: 'log', initial: 0.1 },
        { name: 'c', lower: -5, upper: 5, transform: 'linear', initial: 0 },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti) => 2.5 * Math.exp(-1.3 * ti) + 0.4 - (x[0] * Math.exp(-x[1] * ti) + x[2])),
    };
    const fd = solveBoundedLeastSquares(expo, [1, 0.1, 0], tight);
    const br = solveBoundedLeastSquares(expo, [1, 0.1, 0], { ...tight, broydenUpdates: 3 });
    for (const [k, v] of [[0, 2.5], [1, 1.3], [2, 0.4]] as const) expect(rel(br.x[k], v)).toBeLessThan(1e-6);
    expect(br.evaluations).toBeLessThan(fd.evaluations);
  });

  it('exponential decay with an active bound: c ≥ 0 binds (truth −0.5) and equals the 2-parameter fit with c = 0 (1e-4)', () => {
    const rng = seededRandom(7);
    const t = Float64Array.from({ length: 60 }, (_, i) => i * 0.1);
    const y = Float64Array.from(t, (ti) => 3 * Math.exp(-0.8 * ti) - 0.5 + 0.01 * rng.normal());
    const three: LeastSquaresProblem = {
      parameters: [
        { name: 'A', lower: 0.1, upper: 100, transform: 'log' },
        { name: 'k', lower: 0.01, upper: 10, transform: 'log' },
        { name: 'c', lower: 0, upper: 5, transform: 'linear' },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti, i) => (y[i] - (x[0] * Math.exp(-x[1] * ti) + x[2])) / 0.01),
    };
    const two: LeastSquaresProblem = {
      parameters: three.parameters.slice(0, 2),
      nResiduals: t.length,
      residuals: (x) => three.residuals(Float64Array.from([x[0], x[1], 0])),
    };
    const tight = { starts: 10, xtol: 1e-12, ftol: 1e-14, gtol: 1e-12 };
    const fit3 = multiStartLeastSquares(three, tight);
    const fit2 = multiStartLeastSquares(two, tight);
    expect(fit3.best.x[2]).toBe(0);
    expect(fit3.best.activeBounds).toContain(2);
    // Large-residual problem with a forward-difference Jacobian: agreement to 1e-4 relative,
    // far inside the statistical uncertainty (SE of k ≈ 1e-2 relative).
    expect(rel(fit3.best.x[0], fit2.best.x[0])).toBeLessThan(1e-4);
    expect(rel(fit3.best.x[1], fit2.best.x[1])).toBeLessThan(1e-4);
    expect(Math.abs(fit3.best.cost - fit2.best.cost) / fit2.best.cost).toBeLessThan(1e-8);
  });

  it('exponential decay, bounds inactive, noiseless: exact recovery from every Sobol start (1e-6)', () => {
    const t = Float64Array.from({ length: 40 }, (_, i) => i * 0.2);
    const problem: LeastSquaresProblem = {
      parameters: [
        { name: 'A', lower: 0.1, upper: 100, transform: 'log' },
        { name: 'k', lower: 0.01, upper: 10, transform: 'log' },
        { name: 'c', lower: -5, upper: 5, transform: 'linear' },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti) => 2.5 * Math.exp(-1.3 * ti) + 0.4 - (x[0] * Math.exp(-x[1] * ti) + x[2])),
    };
    const ms = multiStartLeastSquares(problem, { starts: 12, xtol: 1e-12, ftol: 1e-15, gtol: 1e-14 });
    expect(ms.startsRun).toBe(12);
    expect(rel(ms.best.x[0], 2.5)).toBeLessThan(1e-6);
    expect(rel(ms.best.x[1], 1.3)).toBeLessThan(1e-6);
    expect(rel(ms.best.x[2], 0.4)).toBeLessThan(1e-6);
  });
});

describe('multi-start and identifiability', () => {
  it('finds the global basin from a bad start and flags the other basin within Δχ² < 4', () => {
    const rng = seededRandom(9);
    const e = Float64Array.from({ length: 100 }, () => rng.normal());
    const problem: LeastSquaresProblem = {
      parameters: [{ name: 'x', lower: -3, upper: 3, transform: 'linear', initial: -2 }],
      nResiduals: 101,
      residuals: (x) => {
        const r = new Float64Array(101);
        for (let i = 0; i < 100; i++) r[i] = 0.2 * (x[0] * x[0] - 1) + e[i];
        r[100] = 0.3 * (x[0] - 1);
        return r;
      },
    };
    const single = solveBoundedLeastSquares(problem, [-2]);
    expect(single.x[0]).toBeLessThan(0); // the local solve alone stays in the wrong basin
    const ms = multiStartLeastSquares(problem, { starts: 10 });
    expect(ms.best.x[0]).toBeGreaterThan(0);
    expect(ms.otherBasins.length).toBe(1);
    expect(ms.otherBasins[0].x[0]).toBeLessThan(0);
    expect(ms.otherBasins[0].deltaChi2).toBeGreaterThan(0);
    expect(ms.otherBasins[0].deltaChi2).toBeLessThan(4);
  });

  it('y = a·b·t + c: |corr(a,b)| = 1 → b (preferred) fixed at its default, a·b recovered (1e-6)', () => {
    const rng = seededRandom(2);
    const t = Float64Array.from({ length: 30 }, (_, i) => i);
    const y = Float64Array.from(t, (ti) => 0.6 * ti + 1 + 0.05 * rng.normal());
    const problem: LeastSquaresProblem = {
      parameters: [
        { name: 'a', lower: 0.01, upper: 100, transform: 'log' },
        { name: 'b', lower: 0.01, upper: 100, transform: 'log', fallbackValue: 2 },
        { name: 'c', lower: -10, upper: 10, transform: 'linear' },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti, i) => (y[i] - (x[0] * x[1] * ti + x[2])) / 0.05),
    };
    const fit = fitLeastSquares(problem, { fixPreference: ['b'], starts: 10 });
    expect(fit.notIdentifiable.map((n) => n.name)).toEqual(['b']);
    expect(fit.notIdentifiable[0].reason).toMatch(/corr\(b, a\)|near-singular/);
    const b = fit.parameters.find((p) => p.name === 'b')!;
    expect(b.fixed).toBe(true);
    expect(b.value).toBe(2);
    // The product is what the data determine: compare with the closed-form OLS slope.
    const n = t.length;
    let st = 0, sy = 0, stt = 0, sty = 0;
    for (let i = 0; i < n; i++) { st += t[i]; sy += y[i]; stt += t[i] ** 2; sty += t[i] * y[i]; }
    const slope = (n * sty - st * sy) / (n * stt - st * st);
    expect(rel(fit.x[0] * 2, slope)).toBeLessThan(1e-6);
    expect(fit.freeNames).toEqual(['a', 'c']);
  });

  it('a parameter the residuals ignore is reported with zero sensitivity and fixed', () => {
    const t = Float64Array.from({ length: 20 }, (_, i) => 1 + i);
    const problem: LeastSquaresProblem = {
      parameters: [
        { name: 'A', lower: 0.1, upper: 10, transform: 'log' },
        { name: 'tau', lower: 1e-3, upper: 0.01, transform: 'log', fallbackValue: 0.005 },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti) => 2 - x[0] * (1 - Math.exp(-ti / x[1]))),
    };
    const fit = fitLeastSquares(problem, { starts: 10 });
    expect(fit.notIdentifiable[0].name).toBe('tau');
    expect(fit.notIdentifiable[0].reason).toMatch(/zero sensitivity/);
    expect(rel(fit.x[0], 2)).toBeLessThan(1e-8);
  });

  it('parametric bootstrap of the linear model: percentile CI within 15 % of ±1.96·SE', () => {
    const n = 50;
    const t = Float64Array.from({ length: n }, (_, i) => (i / (n - 1)) * 10);
    const make = (y: Float64Array): LeastSquaresProblem => ({
      parameters: [
        { name: 'a', lower: -Infinity, upper: Infinity, transform: 'linear', initial: 0 },
        { name: 'b', lower: -Infinity, upper: Infinity, transform: 'linear', initial: 0 },
      ],
      nResiduals: n,
      residuals: (x) => Float64Array.from(t, (ti, i) => (y[i] - (x[0] + x[1] * ti)) / 0.3),
    });
    const rng = seededRandom(1);
    const y0 = Float64Array.from(t, (ti) => 1 + 0.5 * ti + 0.3 * rng.normal());
    const fit = fitLeastSquares(make(y0), {
      starts: 1,
      profile: [],
      bootstrap: { replicates: 300, seed: 4, resample: (r, x) => make(Float64Array.from(t, (ti) => x[0] + x[1] * ti + 0.3 * r.normal())) },
    });
    expect(fit.bootstrapReplicatesConverged).toBe(300);
    for (const pe of fit.parameters) {
      expect(pe.ciMethod).toBe('bootstrap');
      const halfB = (pe.ci95![1] - pe.ci95![0]) / 2;
      // σ is known (0.3) here, so compare with the known-σ standard error.
      const seKnown = pe.se! / Math.sqrt(fit.chi2Red);
      expect(rel(halfB, 1.96 * seKnown)).toBeLessThan(0.15);
    }
  });

  it('a profile flat up to a bound (saturating rate constant) marks the parameter not identifiable and fixes it', () => {
    // y = A(1 − e^(−K t)), t ≥ 0.2: for K ≳ 25 the curve is indistinguishable from a step at σ = 0.01.
    const rng = seededRandom(12);
    const t = Float64Array.from({ length: 30 }, (_, i) => 0.2 + 0.1 * i);
    const y = Float64Array.from(t, (ti) => 1 - Math.exp(-50 * ti) + 0.01 * rng.normal());
    const problem: LeastSquaresProblem = {
      parameters: [
        { name: 'A', lower: 0.1, upper: 10, transform: 'log' },
        { name: 'K', lower: 0.1, upper: 1000, transform: 'log' },
      ],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti, i) => (y[i] - x[0] * (1 - Math.exp(-x[1] * ti))) / 0.01),
    };
    const fit = fitLeastSquares(problem, { starts: 10 });
    expect(fit.notIdentifiable.map((n) => n.name)).toEqual(['K']);
    expect(fit.notIdentifiable[0].reason).toMatch(/profile likelihood flat above/);
    expect(fit.notIdentifiable[0].profile!.upperOpen).toBe(true);
    expect(fit.notIdentifiable[0].profile!.ci95[1]).toBeCloseTo(1000, 9);
    // The lower side is bounded by the data: K < ~20 would bend the curve visibly.
    expect(fit.notIdentifiable[0].profile!.ci95[0]).toBeGreaterThan(10);
    expect(fit.notIdentifiable[0].profile!.ci95[0]).toBeLessThan(50);
    expect(Math.abs(fit.x[0] - 1)).toBeLessThan(0.01);
  });

  it('three collinear regressors (f3 = f1 + f2): near-singular JᵀJ names the preferred parameter, the rest are then recovered', () => {
    const rng = seededRandom(21);
    const t = Float64Array.from({ length: 40 }, (_, i) => i / 4);
    const f1 = (x: number) => x;
    const f2 = (x: number) => Math.sin(x);
    const y = Float64Array.from(t, (ti) => 2 * f1(ti) + 3 * f2(ti) + 0.05 * rng.normal());
    const lin = (name: string, fallback?: number) => ({ name, lower: -20, upper: 20, transform: 'linear' as const, fallbackValue: fallback });
    const problem: LeastSquaresProblem = {
      parameters: [lin('a'), lin('b'), lin('c', 0)],
      nResiduals: t.length,
      residuals: (x) => Float64Array.from(t, (ti, i) => (y[i] - (x[0] * f1(ti) + x[1] * f2(ti) + x[2] * (f1(ti) + f2(ti)))) / 0.05),
    };
    const fit = fitLeastSquares(problem, { starts: 10, fixPreference: ['c'], profile: [] });
    expect(fit.notIdentifiable.map((n) => n.name)).toEqual(['c']);
    expect(fit.notIdentifiable[0].reason).toMatch(/JᵀJ is (singular \(numerical rank 2 of 3\)|near-singular)/);
    expect(fit.x[2]).toBe(0);
    expect(Math.abs(fit.x[0] - 2)).toBeLessThan(5 * fit.parameters[0].se!);
    expect(Math.abs(fit.x[1] - 3)).toBeLessThan(5 * fit.parameters[1].se!);
    expect(fit.covariance.conditionNumber).toBeLessThan(1e6);
  });
});
