import { describe, expect, it } from 'vitest';
import {
  dendriteCollectionNearShortPerWidthAPerM,
  dendriteCollectionPerWidthAPerM,
  dendriteCollectionSmallLengthPerWidthAPerM,
  dendriteGrowthTimeS,
  dendriteLengthTrajectoryM,
  dendriteMinimumLengthM,
  dendriteVelocityMPerS,
  electrodePlatingOverpotentialV,
  halfPennyCollectionCurrentA,
  impliedFillThicknessM,
  timeToShortS,
  type DendriteParams,
} from '../../src/model/index.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
const D = 1e-3;
const JN = 4.7;

describe('MODEL.md §3 dendrite relations', () => {
  it('D2 closed form at ℓ/d = 0.25, 0.5, 0.9 (the T14 reference values)', () => {
    expect(rel(dendriteCollectionPerWidthAPerM(0.25 * D, D, JN), 2.412838e-3)).toBeLessThan(1e-6);
    expect(rel(dendriteCollectionPerWidthAPerM(0.5 * D, D, JN), 5.274339e-3)).toBeLessThan(1e-6);
    expect(rel(dendriteCollectionPerWidthAPerM(0.9 * D, D, JN), 1.521244e-2)).toBeLessThan(1e-6);
  });

  it('D2 asymptotes: 2·j_n·ℓ for ℓ ≪ d, logarithmic near the short; 3D half-penny 4·j_n·ℓ²', () => {
    const small = 1e-3 * D;
    expect(rel(dendriteCollectionPerWidthAPerM(small, D, JN), dendriteCollectionSmallLengthPerWidthAPerM(small, JN))).toBeLessThan(1e-6);
    for (const gap of [1e-3, 1e-5, 1e-8]) {
      const l = D * (1 - gap);
      // Error of the log asymptote is O((d − ℓ)²/d²).
      expect(rel(dendriteCollectionPerWidthAPerM(l, D, JN), dendriteCollectionNearShortPerWidthAPerM(l, D, JN))).toBeLessThan(gap);
    }
    expect(dendriteCollectionPerWidthAPerM(D, D, JN)).toBe(Infinity);
    expect(halfPennyCollectionCurrentA(50e-6, JN)).toBeCloseTo(4 * JN * 2.5e-9, 20);
  });

  it('T15: implied fill thickness at ℓ = d/2 (83.573 nm at 8.6 µm/s, 159.718 nm at 4.5 µm/s)', () => {
    const idw = dendriteCollectionPerWidthAPerM(0.5 * D, D, JN);
    expect(rel(impliedFillThicknessM(idw, 8.6e-6) * 1e9, 83.573)).toBeLessThan(1e-4);
    expect(rel(impliedFillThicknessM(idw, 4.5e-6) * 1e9, 159.718)).toBeLessThan(1e-4);
  });

  it('T15: time to short with the D2 current (284.437 s from 10 µm, 134.340 s from 100 µm)', () => {
    const base = { gapM: D, jnAPerM2: JN, hEffM: 83.573e-9 };
    expect(rel(timeToShortS({ ...base, initialLengthM: 10e-6 }), 284.437)).toBeLessThan(1e-4);
    expect(rel(timeToShortS({ ...base, initialLengthM: 100e-6 }), 134.34)).toBeLessThan(1e-4);
    // Additivity: 10 → 100 µm plus 100 µm → short equals 10 µm → short.
    const part = timeToShortS({ ...base, initialLengthM: 10e-6, finalLengthM: 100e-6 });
    expect(rel(part + timeToShortS({ ...base, initialLengthM: 100e-6 }), timeToShortS({ ...base, initialLengthM: 10e-6 }))).toBeLessThan(1e-10);
  });

  const p: DendriteParams = {
    gapM: D,
    jnAPerM2: JN,
    sigmaSPerM: 0.1,
    j0APerM2: 50,
    alphaA: 0.5,
    temperatureK: 298.15,
    kIcPaSqrtM: 0.6e6,
    geometryFactorY: 1.12,
    hEffM: 83.573e-9,
  };

  it('T16: D3 Thevenin dendrite — η_e, v(500 µm), v(20 µm) = 0, ℓ_min', () => {
    expect(rel(electrodePlatingOverpotentialV(p) * 1e3, 2.4142)).toBeLessThan(1e-4);
    expect(rel(dendriteVelocityMPerS(500e-6, p) * 1e6, 7.16)).toBeLessThan(1e-4);
    expect(dendriteVelocityMPerS(20e-6, p)).toBe(0);
    const lMin = dendriteMinimumLengthM(p);
    expect(rel(lMin * 1e6, 60.914)).toBeLessThan(1e-4);
    expect(dendriteVelocityMPerS(lMin * 0.999, p)).toBe(0);
    expect(dendriteVelocityMPerS(lMin * 1.001, p)).toBeGreaterThan(0);
  });

  it('T16: growth 200 µm → 0.999·d takes 115.512 s (quadrature and RK45 trajectory agree, 0.1 %)', () => {
    const t = dendriteGrowthTimeS(200e-6, 0.999 * D, p);
    expect(rel(t, 115.512)).toBeLessThan(1e-3);
    // The RK45 trajectory reaches 0.999·d at the quadrature time (v ≈ 49 µm/s there, so a
    // 1e-7 relative length error is a 2 µs timing error).
    const traj = dendriteLengthTrajectoryM(200e-6, [0, 0.5 * t, t], p);
    expect(traj[0]).toBe(200e-6);
    expect(rel(traj[2], 0.999 * D)).toBeLessThan(1e-7);
    // Below ℓ_min nothing grows.
    expect(Array.from(dendriteLengthTrajectoryM(20e-6, [0, 1000], p))).toEqual([20e-6, 20e-6]);
  });
});
