import { describe, expect, it } from 'vitest';
import { FastPoissonSolver } from '../../../src/model/fv2d/fastPoisson.js';
import { greenMatrix } from '../../../src/model/fv2d/greenMatrix.js';
import { createGrid } from '../../../src/model/fv2d/grid.js';

const SIGMA = 0.1;

describe('fv2d fast Poisson solver (crack-free operator)', () => {
  it('is the exact inverse of the FV operator (non-square, odd and smooth sizes)', () => {
    for (const [nx, ny] of [
      [30, 70],
      [75, 40],
      [160, 100],
    ]) {
      const g = createGrid(nx * 1e-6, ny * 1e-6, 1e-6);
      const fp = new FastPoissonSolver(g, SIGMA);
      const x = Float64Array.from({ length: nx * ny }, (_, k) => Math.sin(0.37 * k) + ((k * 7919) % 13) / 13);
      const y = fp.solve(fp.apply(x));
      let err = 0;
      for (let k = 0; k < x.length; k++) err = Math.max(err, Math.abs(y[k] - x[k]));
      expect(err).toBeLessThan(1e-11);
    }
  });

  it('converges at second order to a manufactured solution (no-flux walls, Dirichlet electrodes)', () => {
    // φ = cos(πx/W)·sin(2πy/d) + 0.3·cos(2πx/W)·sin(πy/d): zero normal flux at x = 0, W; φ = 0 at y = 0, d.
    const W = 2e-3;
    const d = 1e-3;
    const exact = (x: number, y: number): number =>
      Math.cos((Math.PI * x) / W) * Math.sin((2 * Math.PI * y) / d) + 0.3 * Math.cos((2 * Math.PI * x) / W) * Math.sin((Math.PI * y) / d);
    const lap = (x: number, y: number): number =>
      -((Math.PI / W) ** 2 + ((2 * Math.PI) / d) ** 2) * Math.cos((Math.PI * x) / W) * Math.sin((2 * Math.PI * y) / d) -
      0.3 * (((2 * Math.PI) / W) ** 2 + (Math.PI / d) ** 2) * Math.cos((2 * Math.PI * x) / W) * Math.sin((Math.PI * y) / d);
    const errs: number[] = [];
    for (const h of [20e-6, 10e-6, 5e-6]) {
      const g = createGrid(W, d, h);
      const fp = new FastPoissonSolver(g, SIGMA);
      const b = new Float64Array(g.nx * g.ny);
      for (let j = 0; j < g.ny; j++)
        for (let i = 0; i < g.nx; i++) b[j * g.nx + i] = -SIGMA * lap((i + 0.5) * h, (j + 0.5) * h) * h * h;
      const phi = fp.solve(b);
      let e = 0;
      for (let j = 0; j < g.ny; j++)
        for (let i = 0; i < g.nx; i++) e = Math.max(e, Math.abs(phi[j * g.nx + i] - exact((i + 0.5) * h, (j + 0.5) * h)));
      errs.push(e);
    }
    expect(errs[2]).toBeLessThan(2e-3);
    // second order: each halving divides the error by ≈ 4
    expect(errs[0] / errs[1]).toBeGreaterThan(3.5);
    expect(errs[1] / errs[2]).toBeGreaterThan(3.5);
  });

  it('semi-analytic Green block equals columns of the fast solve', () => {
    const g = createGrid(120e-6, 80e-6, 1e-6);
    const fp = new FastPoissonSolver(g, SIGMA);
    const cells = [0, 5, 119, 120 * 40 + 60, 120 * 79 + 3, 120 * 79 + 119, 120 * 12 + 77];
    const G = greenMatrix(g, SIGMA, cells);
    const n = cells.length;
    const gMax = G.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    for (let s = 0; s < n; s++) {
      const b = new Float64Array(g.nx * g.ny);
      b[cells[s]] = 1;
      const x = fp.solve(b);
      for (let t = 0; t < n; t++) expect(Math.abs(G[s * n + t] - x[cells[t]])).toBeLessThan(1e-12 * gMax);
      // symmetry of K0⁻¹
      for (let t = 0; t < n; t++) expect(Math.abs(G[s * n + t] - G[t * n + s])).toBeLessThan(1e-12 * gMax);
    }
  });
});
