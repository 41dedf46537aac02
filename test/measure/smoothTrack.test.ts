/** smoothTrack (src/measure/smoothTrack.ts) against known trajectories. */
import { describe, expect, it } from 'vitest';
import { smoothTrack } from '../../src/measure/smoothTrack.js';
import { gaussian, mulberry32 } from '../helpers/rng.js';

const t = Array.from({ length: 64 }, (_, k) => k / 8 + (k % 3) * 0.01); // irregular intervals

describe('smoothTrack', () => {
  it('a tip moving at a steady rate comes out unchanged (to 1e-9 px), ends included', () => {
    const u = t.map((x) => 10 + 2 * x), v = t.map((x) => 30 + 15 * x);
    const s = smoothTrack(t, u, v);
    for (let k = 0; k < t.length; k++) {
      expect(Math.abs(s.u[k] - u[k])).toBeLessThan(1e-9);
      expect(Math.abs(s.v[k] - v[k])).toBeLessThan(1e-9);
    }
  });
  it('Gaussian scatter σ = 2 px per coordinate (2.8 px RMSE): smoothed RMSE against the true path < 0.45 × that (±4 points: 1/3 in the middle, more at the ends)', () => {
    const g = gaussian(mulberry32(11));
    const tu = t.map((x) => 10 + 2 * x), tv = t.map((x) => 30 + 15 * x);
    const nu = tu.map((x) => x + 2 * g()), nv = tv.map((x) => x + 2 * g());
    const s = smoothTrack(t, nu, nv);
    let s2 = 0, r2 = 0;
    for (let k = 0; k < t.length; k++) {
      s2 += (s.u[k] - tu[k]) ** 2 + (s.v[k] - tv[k]) ** 2;
      r2 += (nu[k] - tu[k]) ** 2 + (nv[k] - tv[k]) ** 2;
    }
    expect(Math.sqrt(s2 / r2)).toBeLessThan(0.45); // measured 0.42 (1.22 of 2.88 px)
  });
  it('a single misread frame 12 px off does not move its neighbours by more than 0.05 px and is itself put back on the path', () => {
    const u = t.map((x) => 10 + 2 * x), v = t.map((x) => 30 + 15 * x);
    const vb = [...v];
    vb[30] += 12;
    const s = smoothTrack(t, u, vb);
    for (let k = 26; k <= 34; k++) expect(Math.abs(s.v[k] - v[k])).toBeLessThan(0.05);
  });
});
