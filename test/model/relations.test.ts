import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bvCurrentDensityAPerM2,
  bvOverpotentialV,
  concentrationFactor,
  crackExtensionOverpotentialV,
  crackExtensionPressure,
  depositionStressBoundPa,
  nominalVelocityMPerS,
  stackPressureOverpotentialV,
  theveninCurrentA,
  tipCurrentDensityAPerM2,
} from '../../src/model/index.js';
import { F_OVER_VM_PA_PER_V } from '../../src/core/units.js';

const T = 298.15;
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('MODEL.md §1 relations', () => {
  it('T1: j_tip and β from front velocity; v0 at 0.47 mA/cm²', () => {
    expect(rel(tipCurrentDensityAPerM2(8.6e-6), 63110.3)).toBeLessThan(1e-5);
    expect(rel(tipCurrentDensityAPerM2(8.6e-6) / 1e4, 6.311)).toBeLessThan(1e-4);
    expect(rel(concentrationFactor(8.6e-6, 4.7), 13427.7)).toBeLessThan(1e-5);
    expect(rel(tipCurrentDensityAPerM2(4.5e-6) / 1e4, 3.3023)).toBeLessThan(1e-4);
    expect(rel(concentrationFactor(4.5e-6, 4.7), 7026.1)).toBeLessThan(1e-5);
    expect(rel(nominalVelocityMPerS(4.7) * 1e9, 0.640466)).toBeLessThan(1e-5);
    // β = v/v0 by definition.
    expect(rel(concentrationFactor(8.6e-6, 4.7), 8.6e-6 / nominalVelocityMPerS(4.7))).toBeLessThan(1e-12);
  });

  it('T2: F/V_m and the overpotential ↔ pressure conversions', () => {
    expect(rel(F_OVER_VM_PA_PER_V, 7.3384e9)).toBeLessThan(1e-5);
    expect(rel(depositionStressBoundPa(-40e-3) / 1e6, 293.54)).toBeLessThan(1e-4);
    expect(rel(depositionStressBoundPa(-13e-3) / 1e6, 95.4)).toBeLessThan(1e-4);
    expect(rel(stackPressureOverpotentialV(4e6) * 1e3, 0.5451)).toBeLessThan(1e-4);
  });

  it.each([
    [1e-6, 1, 338.51, 46.129],
    [10e-6, 1, 107.05, 14.587],
    [1e-6, 1.12, 302.24, 41.187],
    [10e-6, 1.12, 95.58, 13.024],
  ])('T3: a = %s m, Y = %s → p_c = %s MPa, η_K = %s mV', (a, y, pcMPa, etaMV) => {
    expect(rel(crackExtensionPressure(a, 0.6e6, y) / 1e6, pcMPa)).toBeLessThan(1e-4);
    expect(rel(crackExtensionOverpotentialV(a, 0.6e6, y) * 1e3, etaMV)).toBeLessThan(1e-4);
  });

  it('T4: Butler–Volmer inversion, anodic and cathodic branches, α_a = 0.5 and 0.3', () => {
    expect(rel(bvOverpotentialV(1, 1, 0.5, T) * 1e3, 24.7272)).toBeLessThan(1e-5);
    expect(rel(bvOverpotentialV(1, 1, 0.3, T) * 1e3, 30.7743)).toBeLessThan(1e-5);
    expect(rel(bvOverpotentialV(10, 1, 0.3, T) * 1e3, 197.2376)).toBeLessThan(1e-5);
    // Cathodic branch with α_c = 0.7: negative overpotential of magnitude 85.8364 mV.
    expect(rel(-bvOverpotentialV(-10, 1, 0.3, T) * 1e3, 85.8364)).toBeLessThan(1e-5);
  });

  it('T4: two symmetric ends, R_acc = 0 → I = 2·j0·A·sinh(f·U/4) (j = 3.916787 A/m² at U = 20 mV)', () => {
    const i = theveninCurrentA({ driveV: 0.02, rAccOhm: 0, aCtM2: 1, j0APerM2: 10, alphaA: 0.5, temperatureK: T, kinetics: 'bv', ends: 2 });
    expect(rel(i, 3.916787)).toBeLessThan(1e-6);
  });

  it('BV inversion round-trips for any α_a and |j|/j0 over 12 decades', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: -6, max: 6, noNaN: true }),
        fc.boolean(),
        (alphaA, log10r, cathodic) => {
          const j0 = 3.7;
          const j = (cathodic ? -1 : 1) * j0 * 10 ** log10r;
          const eta = bvOverpotentialV(j, j0, alphaA, T);
          expect(Math.sign(eta)).toBe(Math.sign(j));
          expect(rel(bvCurrentDensityAPerM2(eta, j0, alphaA, T), j)).toBeLessThan(1e-11);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('Thevenin current solves A2 (BV, asymmetric α) and is monotone in the drive', () => {
    const base = { rAccOhm: 25_000, aCtM2: 8e-8, j0APerM2: 50, alphaA: 0.3, temperatureK: T, kinetics: 'bv' as const, ends: 2 as const };
    let previous = 0;
    for (const d of [1e-6, 1e-4, 1e-3, 0.01, 0.05, 0.2, 0.5]) {
      const i = theveninCurrentA({ ...base, driveV: d });
      const j = i / base.aCtM2;
      const residual = i * base.rAccOhm - bvOverpotentialV(-j, 50, 0.3, T) + bvOverpotentialV(j, 50, 0.3, T);
      expect(Math.abs(residual - d) / d).toBeLessThan(1e-10);
      expect(i).toBeGreaterThan(previous);
      previous = i;
    }
    expect(theveninCurrentA({ ...base, driveV: -1e-3 })).toBe(0);
    // Linearised kinetics: I = D/(R_acc + 2·RT/(F·j0·A)).
    const iLin = theveninCurrentA({ ...base, driveV: 1e-3, kinetics: 'linear' });
    expect(rel(iLin, 1e-3 / (25_000 + (2 * 0.0256926) / (50 * 8e-8)))).toBeLessThan(1e-5);
  });
});
