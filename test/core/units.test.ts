import { describe, expect, it } from 'vitest';
import {
  crackExtensionPressurePa,
  F_OVER_VM_PA_PER_V,
  jTipAPerCm2FromVelocityUmPerS,
  overpotentialVFromPressurePa,
  thermalVoltageV,
  velocityMPerSFromCurrentDensity,
} from '../../src/core/units.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('units and constants (SPEC.md Physics, MODEL.md §0, T1–T3)', () => {
  it('j_tip from velocity matches SPEC.md: 8.6 µm/s → 6.3110 A/cm², 4.5 → 3.3023', () => {
    expect(rel(jTipAPerCm2FromVelocityUmPerS(8.6), 6.3110)).toBeLessThan(1e-4);
    expect(rel(jTipAPerCm2FromVelocityUmPerS(4.5), 3.3023)).toBeLessThan(1e-4);
  });
  it('F/V_m = 7.33840e9 Pa/V and RT/F = 25.6926 mV', () => {
    expect(rel(F_OVER_VM_PA_PER_V, 7.3384e9)).toBeLessThan(1e-5);
    expect(rel(thermalVoltageV(298.15) * 1e3, 25.6926)).toBeLessThan(1e-5);
  });
  it('v0 at 0.47 mA/cm² is 0.640466 nm/s', () => {
    expect(rel(velocityMPerSFromCurrentDensity(4.7) * 1e9, 0.640466)).toBeLessThan(1e-5);
  });
  it('crack-extension pressure and overpotential (T3)', () => {
    const pc1 = crackExtensionPressurePa(1e-6);
    expect(rel(pc1 / 1e6, 338.51)).toBeLessThan(1e-4);
    expect(rel(overpotentialVFromPressurePa(pc1) * 1e3, 46.129)).toBeLessThan(1e-4);
    expect(rel(overpotentialVFromPressurePa(crackExtensionPressurePa(10e-6, 0.6e6, 1.12)) * 1e3, 13.024)).toBeLessThan(1e-4);
  });
});
