import { describe, expect, it } from 'vitest';
import { FARADAY_C_PER_MOL, MOLAR_VOLUME_LI_M3_PER_MOL, thermalVoltageV } from '../../src/core/units.js';
import { buildScene } from '../../src/render/buildScene.js';
import { frameTruth } from '../../src/render/groundTruth.js';
import { validateScenario } from '../../src/render/parseScenario.js';

describe('inclusion driven by Model A (src/model)', () => {
  it('moves away from the plating edge under +I at the MODEL.md §2.5 closed-form speed, conserving length; reverses with the current', () => {
    const L0um = 50;
    const sc = validateScenario({
      frame: { width_px: 96, height_px: 64 },
      calibration: { um_per_px: 0.5, plating_edge: 'right' },
      timing: { fps: 1, n_frames: 21 },
      scene: {
        inclusions: [
          { id: 1, origin_um: [40, 16], model: { length_um: L0um, h_ext_um: 0.2, eta_th_mV: 1, j0_mA_per_cm2: 5, kinetics: 'linear', sigma_mS_per_cm: 1, electrode_area_cm2: 0.25 } },
        ],
      },
      current: { segments: [{ from_s: 0, current_mA: 1 }, { from_s: 10, current_mA: -1 }] },
      output: { format: 'tiff' },
    });
    const scene = buildScene(sc);
    const tr = (i: number) => frameTruth(scene, i).inclusions[0];
    // closed form (strip, θ = 0, linear kinetics, equal thickness): v/v0 = (L − L_th) / (h (1 + 4λ/L))
    const jn = 1e-3 / 0.25e-4; // A/m²
    const sigma = 0.1;
    const L = L0um * 1e-6;
    const Lth = (sigma * 1e-3) / jn;
    const lambda = (sigma * thermalVoltageV()) / 50;
    const v0 = (MOLAR_VOLUME_LI_M3_PER_MOL * jn) / FARADAY_C_PER_MOL;
    const vUmPerS = ((v0 * (L - Lth)) / (0.2e-6 * (1 + (4 * lambda) / L))) * 1e6;
    // plating edge right: away from it is −x
    const vFront = -(tr(10).front_x_um - tr(0).front_x_um) / 10;
    const vBack = -(tr(10).back_x_um - tr(0).back_x_um) / 10;
    expect(vUmPerS).toBeGreaterThan(0.1);
    expect(Math.abs(vFront - vUmPerS) / vUmPerS).toBeLessThan(1e-6);
    expect(Math.abs(vBack - vUmPerS) / vUmPerS).toBeLessThan(1e-6);
    expect(tr(0).front_x_um).toBeCloseTo(40 - L0um, 9);
    expect(tr(0).back_x_um).toBeCloseTo(40, 9);
    // reversal: moves back towards the plating edge
    expect(tr(20).front_x_um).toBeGreaterThan(tr(10).front_x_um);
    expect(Math.abs(tr(20).back_x_um - tr(20).front_x_um - L0um)).toBeLessThan(1e-6);
  });

  it('a Model A inclusion without a current block is a ConfigError naming the fix', () => {
    expect(() =>
      validateScenario({
        frame: { width_px: 64, height_px: 48 },
        calibration: { um_per_px: 0.5, plating_edge: 'left' },
        scene: { inclusions: [{ id: 1, origin_um: [10, 10], model: { length_um: 20 } }] },
      }),
    ).toThrow(/needs the scenario current block/);
  });
});
