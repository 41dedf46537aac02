/**
 * Inclusion tracking on an in-memory rendered scenario that differs from the fixtures: plating
 * edge right (canonical transpose + flip), an inclusion tilted 25° from the field, static dust,
 * a static Li-filled crack. Truth from the scene itself (src/render frameTruth).
 */
import { describe, expect, it } from 'vitest';
import { buildScene, frameTruth, parseScenarioYaml, syntheticFrameSource } from '../../src/render/index.js';
import { trackInclusions } from './trackFixture.js';

const YAML = `
description: tilted i-Li, plating edge right, dust and a static Li crack
seed: 21
frame: {width_px: 240, height_px: 160}
calibration: {um_per_px: 0.5, plating_edge: right}
timing: {fps: 4, n_frames: 48}
scene:
  electrode: {thickness_um: 6, roughness_um: 0.5, wavelength_um: 30}
  crack_contrast_pct: 30
  depleted_contrast_pct: 6
  inclusions:
    - id: 1
      origin_um: [95, 28]
      angle_deg: 25
      width_um: 3
      crack_lead_um: 1
      trajectory: [{t_s: 0, back_um: 0, front_um: 30}, {t_s: 12, back_um: 12, front_um: 42}]
    - {id: 2, origin_um: [100, 65], angle_deg: -70, width_um: 2.5, crack_lead_um: 1, trajectory: [{t_s: 0, back_um: 0, front_um: 16}]}
  dust: {count: 8, radius_px: [2, 4], darkening_pct: 25, avoid_cracks_px: 6}
optics: {blur_sigma_px: 1.0, noise_sigma: 3}
`;

describe('tilted moving inclusion, plating edge right, with dust and a static Li crack', async () => {
  const sc = parseScenarioYaml(YAML, 'synthetic');
  const scene = buildScene(sc);
  const rows = await trackInclusions(syntheticFrameSource(sc), 'right', 0.5);
  const ids = [...new Set(rows.map((r) => r.inclusionId))];
  const truthOf = (frame: number) => frameTruth(scene, frame).inclusions;

  it('reports the moving inclusion and the static crack (flagged static), never the dust', () => {
    expect(ids.length).toBe(2);
    const moving = rows.filter((r) => !r.static);
    const still = rows.filter((r) => r.static);
    expect(new Set(moving.map((r) => r.inclusionId)).size).toBe(1);
    expect(new Set(still.map((r) => r.inclusionId)).size).toBe(1);
    expect(moving.length).toBe(48);
    // the static one is the crack of inclusion 2
    const t2 = truthOf(0).find((t) => t.id === 2)!;
    expect(Math.hypot(still[0].centroidXPx - t2.centroid_x_px, still[0].centroidYPx - t2.centroid_y_px)).toBeLessThan(1);
  });
  it('front, back, centroid RMSE ≤ 1 px; front is the end farther from the plating edge', () => {
    const moving = rows.filter((r) => !r.static);
    let f2 = 0, b2 = 0, c2 = 0;
    for (const r of moving) {
      const t = truthOf(r.frame).find((q) => q.id === 1)!;
      f2 += (r.frontXPx - t.front_x_px) ** 2 + (r.frontYPx - t.front_y_px) ** 2;
      b2 += (r.backXPx - t.back_x_px) ** 2 + (r.backYPx - t.back_y_px) ** 2;
      c2 += (r.centroidXPx - t.centroid_x_px) ** 2 + (r.centroidYPx - t.centroid_y_px) ** 2;
      expect(r.frontXPx).toBeLessThan(r.backXPx); // plating edge right: farther = smaller x
      expect(Math.abs(r.axisAngleDeg)).toBeGreaterThan(20);
      expect(Math.abs(r.axisAngleDeg)).toBeLessThan(30);
    }
    const n = moving.length;
    expect(Math.sqrt(f2 / n)).toBeLessThanOrEqual(1);
    expect(Math.sqrt(b2 / n)).toBeLessThanOrEqual(1);
    expect(Math.sqrt(c2 / n)).toBeLessThanOrEqual(1);
  });
});
