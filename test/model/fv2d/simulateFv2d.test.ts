import { describe, expect, it } from 'vitest';
import { FARADAY_C_PER_MOL, MOLAR_VOLUME_LI_M3_PER_MOL, thermalVoltageV } from '../../../src/core/units.js';
import { checkFv2dOptions, simulateFv2d } from '../../../src/model/fv2d/simulateFv2d.js';
import { ConfigError, InputError } from '../../../src/core/errors.js';
import { defaultReducedParams, type ReducedModelParams } from '../../../src/model/reduced/index.js';

const JN = 4.7; // A/m² (0.47 mA/cm²)
const L0 = 200e-6;
const GRID = { domainWidthM: 2e-3, gapM: 2e-3, spacingM: 5e-6, pathMarginM: 150e-6 };

function c0Linear(etaThV: number): ReducedModelParams {
  return { ...defaultReducedParams(), kinetics: 'linear', etaThV };
}
/** Model A closed form (MODEL.md §2.5): v = v0·(L cosθ − L_th)/(h(1 + 4λ/L)). */
function closedFormVelocityMPerS(p: ReducedModelParams, lengthM: number, etaThV: number): number {
  const v0 = (MOLAR_VOLUME_LI_M3_PER_MOL * JN) / FARADAY_C_PER_MOL;
  const lambda = (p.sigmaSPerM * thermalVoltageV(p.temperatureK)) / p.j0APerM2;
  const lTh = (p.sigmaSPerM * etaThV) / JN;
  return (v0 * (lengthM * Math.cos(p.thetaRad) - lTh)) / (p.hExtM * (1 + (4 * lambda) / lengthM));
}

describe('fv2d moving interface (simulateFv2d)', () => {
  it('floating strip, linear kinetics, no threshold: current and front speed match Model A closed form within 2.5 % / 4 %', () => {
    const p = c0Linear(0);
    const times = [0, 20, 40];
    const run = simulateFv2d(p, { tS: [0], jnAPerM2: [JN] }, { s1M: 0, s2M: L0 }, times, GRID);
    const v = closedFormVelocityMPerS(p, L0, 0);
    // inclusion current I = F·A_dep·v/V_m with A_dep = h_ext·w
    const iClosed = (FARADAY_C_PER_MOL * p.hExtM * p.widthM * v) / MOLAR_VOLUME_LI_M3_PER_MOL;
    expect(Math.abs(run.currentA[0] / iClosed - 1)).toBeLessThan(0.025);
    // the depositing end (nearer electrode A, s1) advances toward A at ≈ v
    const speed = -run.s1M[2] / 40;
    expect(Math.abs(speed / v - 1)).toBeLessThan(0.04);
    expect(run.mode[2]).toBe(1);
    // Li volume per unit depth is conserved
    for (const vol of run.volumePerWidthM2!) expect(Math.abs(vol / (p.hDissM * L0) - 1)).toBeLessThan(1e-12);
    // the centroid moves toward electrode A
    expect(run.centroidM[2]).toBeLessThan(run.centroidM[0]);
  });

  it('below the threshold current the inclusion is idle (MODEL.md T6 analogue)', () => {
    // C0 η_th at L = 200 µm with K_IC: η_K(a = 100 µm) ≈ 4.6 mV > U = E·L = 0.47 mV at j_n = 0.47 A/m²
    const p: ReducedModelParams = { ...defaultReducedParams(), kinetics: 'linear' };
    const run = simulateFv2d(p, { tS: [0], jnAPerM2: [0.47] }, { s1M: 0, s2M: L0 }, [0, 100, 600], GRID);
    for (let k = 0; k < 3; k++) {
      expect(run.currentA[k]).toBe(0);
      expect(run.mode[k]).toBe(0);
      expect(run.s1M[k]).toBeCloseTo(0, 12);
      expect(run.s2M[k]).toBeCloseTo(L0, 12);
    }
  });

  it('a threshold slows the front (plating faces are pressurised to p_c), and reversal refills the emptied crack; Li mass conserved throughout', () => {
    const p: ReducedModelParams = { ...defaultReducedParams(), kinetics: 'bv', etaThV: 2e-3 };
    const program = { tS: [0, 600], jnAPerM2: [2 * JN, -2 * JN] };
    const times = [0, 300, 600, 750, 900];
    const run = simulateFv2d(p, program, { s1M: 0, s2M: L0 }, times, GRID);
    const vol0 = p.hDissM * L0;
    for (const vol of run.volumePerWidthM2!) expect(Math.abs(vol / vol0 - 1)).toBeLessThan(1e-12);
    // forward: end 1 advances toward A, slower than without threshold
    const noThr = simulateFv2d({ ...p, etaThV: 0 }, program, { s1M: 0, s2M: L0 }, [0, 300], GRID);
    expect(run.s1M[1]).toBeLessThan(-1e-6);
    expect(run.s1M[1]).toBeGreaterThan(noThr.s1M[1]);
    expect(run.mode[1]).toBe(1);
    // after reversal end 2 deposits into the crack it emptied (refill), so s2 grows again
    expect(run.mode[3]).toBe(2);
    expect(run.s2M[4]).toBeGreaterThan(run.s2M[2]);
    expect(run.envelopeLoM![4]).toBeLessThanOrEqual(run.s1M[4] + 1e-12);
    expect(run.envelopeHiM![4]).toBeGreaterThanOrEqual(run.s2M[4] - 1e-12);
  });

  it('rejects bad options and inputs with errors that name the problem', () => {
    expect(() => checkFv2dOptions({ spacingM: -1 })).toThrow(ConfigError);
    expect(() => checkFv2dOptions({ spacingM: -1 })).toThrow(/spacingM/);
    const p = c0Linear(0);
    expect(() => simulateFv2d({ ...p, shape: 'penny' }, { tS: [0], jnAPerM2: [JN] }, { s1M: 0, s2M: L0 }, [0], GRID)).toThrow(ConfigError);
    expect(() => simulateFv2d(p, { tS: [0], jnAPerM2: [JN] }, { s1M: 0, s2M: 5e-3 }, [0], GRID)).toThrow(InputError);
    expect(() => simulateFv2d(p, { tS: [0], jnAPerM2: [JN] }, { s1M: 0, s2M: L0 }, [0], { ...GRID, spacingM: 3e-6 })).toThrow(/multiples of spacingM/);
  });

  it('threshold onset (fast kinetics) is at Model A\'s j_crit = σ·η_th/(L·cosθ) within 2 %', () => {
    const eta = 5e-3;
    const p: ReducedModelParams = { ...defaultReducedParams(), kinetics: 'linear', j0APerM2: Infinity, etaThV: eta };
    const jCrit = (p.sigmaSPerM * eta) / L0;
    const at = (factor: number) =>
      simulateFv2d(p, { tS: [0], jnAPerM2: [factor * jCrit] }, { s1M: 0, s2M: L0 }, [0], { ...GRID, pathMarginM: 20e-6 });
    const below = at(0.98);
    expect(below.currentA[0]).toBe(0);
    expect(below.mode[0]).toBe(0);
    const above = at(1.05);
    expect(above.currentA[0]).toBeGreaterThan(1e-9);
    expect(above.mode[0]).toBe(1);
  });
});
