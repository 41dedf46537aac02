import { describe, expect, it } from 'vitest';
import { buildScene } from '../../src/render/buildScene.js';
import { renderFrame, renderIdealFrame } from '../../src/render/renderFrame.js';
import { frameTruth } from '../../src/render/groundTruth.js';
import { validateScenario } from '../../src/render/parseScenario.js';

const scenario = (extra: Record<string, unknown> = {}, optics: Record<string, unknown> = {}) =>
  validateScenario({
    seed: 11,
    frame: { width_px: 80, height_px: 60 },
    calibration: { um_per_px: 0.5, plating_edge: 'bottom' },
    timing: { fps: 2, n_frames: 5 },
    scene: {
      background: { level: 160, gradient_x_pct: 10, gradient_y_pct: -6, texture_pct: 2 },
      electrode: { thickness_um: 4, roughness_um: 0.5, wavelength_um: 15 },
      crack_contrast_pct: 30,
      dendrites: [{ id: 1, base_um: 20, angle_deg: 5, length0_um: 6, speed_um_per_s: 3, width0_um: 5, widen_um_per_s: 0.5, width_max_um: 7 }],
      ...extra,
    },
    optics: { blur_sigma_px: 0.8, noise_sigma: 0, ...optics },
    output: { format: 'tiff' },
  });

describe('rendered image', () => {
  it('the crack core is darker than the local background by the configured contrast (±1.5 %)', () => {
    const sc = scenario();
    const scene = buildScene(sc);
    const clean = buildScene(scenario({ dendrites: [] }));
    const i = 4;
    const img = renderFrame(scene, i, 16);
    const bg = renderFrame(clean, i, 16);
    // Core: the axis point at the widest part of the leaf (ξ = (2 − β)/3 ≈ 0.617 of the length).
    const tr = frameTruth(scene, i).dendrites[0];
    const L = tr.length_um! / 0.5;
    const a = (5 * Math.PI) / 180;
    const baseX = 39.5;
    const baseY = 59.5 - scene.iface.depthPx(39.5);
    const cx = Math.round(baseX + 0.617 * L * Math.sin(a));
    const cy = Math.round(baseY - 0.617 * L * Math.cos(a));
    const W = sc.frame.width_px;
    const ratio = img[cy * W + cx] / bg[cy * W + cx];
    expect(Math.abs(1 - ratio - 0.3)).toBeLessThan(0.015);
    // and far from the crack the two renders agree exactly
    expect(img[5 * W + 5]).toBe(bg[5 * W + 5]);
  });

  it('anti-aliased coverage: total darkening equals the analytic leaf area (±0.5 %)', () => {
    const sc = scenario({ electrode: { thickness_um: 4, roughness_um: 0, darkening_pct: 0 }, background: { texture_pct: 0, gradient_x_pct: 0, gradient_y_pct: 0, level: 200 } }, { blur_sigma_px: 0 });
    const scene = buildScene(sc);
    const ideal = renderIdealFrame(scene, 3);
    let dark = 0;
    for (const v of ideal) dark += (200 - v) / 200;
    const g = scene.dendrites[0].leaf.geometryAt(scene.clock.timesS[3])!;
    // h(ξ) = (W/2)·K·√(1 − ξ)·(ξ + β); ∫₀¹ √(1 − ξ)(ξ + β) dξ = 2(1 + β)/3 − 2/5; plus the base extension
    const beta = 0.15;
    const xiMax = (2 - beta) / 3;
    const k = 1 / (Math.sqrt(1 - xiMax) * (xiMax + beta));
    const sIn = 3;
    const area = g.widthPx * k * g.lengthPx * ((2 * (1 + beta)) / 3 - 2 / 5) + 2 * (0.5 * g.widthPx * k * beta) * sIn;
    expect(Math.abs(dark / 0.3 - area) / area).toBeLessThan(0.005);
  });

  it('deterministic: two independent renders of the same scenario are byte-identical; another seed differs', () => {
    const opt = { noise_sigma: 6, flicker_pct: 3, drift: { amplitude_px: 3, jitter_px: 0.5 } };
    const a = renderFrame(buildScene(scenario({ dust: { count: 4 }, scratches: { count: 2 } }, opt)), 3, 8);
    const b = renderFrame(buildScene(scenario({ dust: { count: 4 }, scratches: { count: 2 } }, opt)), 3, 8);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const other = validateScenario({ ...scenario({}, opt), seed: 12 });
    const c = renderFrame(buildScene(other), 3, 8);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('sensor noise has the configured σ (±10 %) and zero mean', () => {
    const noisy = renderFrame(buildScene(scenario({}, { noise_sigma: 5 })), 2, 16);
    const clean = renderFrame(buildScene(scenario({}, { noise_sigma: 0 })), 2, 16);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < noisy.length; i++) {
      const d = (noisy[i] - clean[i]) / 257;
      s += d;
      s2 += d * d;
    }
    const n = noisy.length;
    const sd = Math.sqrt(s2 / n - (s / n) ** 2);
    expect(Math.abs(sd - 5) / 5).toBeLessThan(0.1);
    expect(Math.abs(s / n)).toBeLessThan(0.15);
  });

  it('stage drift moves the scene and the truth together (integer drift → shifted image)', () => {
    const sc0 = scenario({}, { drift: { amplitude_px: 0 } });
    const sc1 = scenario({}, { drift: { amplitude_px: 4, direction_deg: 0 } });
    const s0 = buildScene(sc0);
    const s1 = buildScene(sc1);
    const last = 4;
    expect(s1.motion.driftXPx[last]).toBeCloseTo(4, 12);
    const a = renderIdealFrame(s0, last);
    const b = renderIdealFrame(s1, last);
    const W = 80;
    const t0 = frameTruth(s0, last).dendrites[0];
    const t1 = frameTruth(s1, last).dendrites[0];
    expect(t1.tip_x_px! - t0.tip_x_px!).toBeCloseTo(4, 9);
    const gx = (x: number) => 1 + 0.1 * (x / (W - 1) - 0.5);
    const y = Math.round(t0.tip_y_px! + 6);
    for (let x = 30; x < 50; x++) {
      const r0 = a[y * W + x] / gx(x);
      const r1 = b[y * W + x + 4] / gx(x + 4);
      expect(Math.abs(r0 - r1)).toBeLessThan(1e-2); // gray levels (float32 rounding)
    }
  });
});

describe('syntheticFrameSource', () => {
  it('streams the rendered frames with their true timestamps (same bytes as renderFrame)', async () => {
    const { syntheticFrameSource } = await import('../../src/render/syntheticFrameSource.js');
    const sc = scenario({}, { noise_sigma: 3 });
    const src = syntheticFrameSource(sc);
    expect(src.info).toMatchObject({ width: 80, height: 60, frameCount: 5, irregularTimestamps: false, nominalFps: 2 });
    const scene = buildScene(sc);
    let n = 0;
    for await (const f of src.frames()) {
      expect(f.tS).toBe(f.index / 2);
      expect(Buffer.from(f.data).equals(Buffer.from(renderFrame(scene, f.index, 8)))).toBe(true);
      n++;
    }
    expect(n).toBe(5);
  });
});

describe('tip visibility', () => {
  it('after a 1 px blur the half-contrast point along the axis lies 0–1 px behind the true tip (√ crack-tip profile)', () => {
    const sc = scenario({ background: { texture_pct: 0, gradient_x_pct: 0, gradient_y_pct: 0 }, electrode: { thickness_um: 4, roughness_um: 0 } }, { blur_sigma_px: 1 });
    const scene = buildScene(sc);
    const bg = buildScene(scenario({ dendrites: [], background: { texture_pct: 0, gradient_x_pct: 0, gradient_y_pct: 0 }, electrode: { thickness_um: 4, roughness_um: 0 } }, { blur_sigma_px: 1 }));
    const W = sc.frame.width_px;
    for (const i of [1, 4]) {
      const img = renderFrame(scene, i, 16);
      const ref = renderFrame(bg, i, 16);
      const tip = frameTruth(scene, i).dendrites[0];
      const a = (5 * Math.PI) / 180;
      const dark = (x: number, y: number): number => {
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const fx = x - x0;
        const fy = y - y0;
        const g = (xx: number, yy: number) => 1 - img[yy * W + xx] / ref[yy * W + xx];
        return g(x0, y0) * (1 - fx) * (1 - fy) + g(x0 + 1, y0) * fx * (1 - fy) + g(x0, y0 + 1) * (1 - fx) * fy + g(x0 + 1, y0 + 1) * fx * fy;
      };
      let behind = NaN;
      for (let s = -3; s < 10; s += 0.02) {
        if (dark(tip.tip_x_px! - s * Math.sin(a), tip.tip_y_px! + s * Math.cos(a)) >= 0.15) {
          behind = s;
          break;
        }
      }
      expect(behind).toBeGreaterThanOrEqual(0);
      expect(behind).toBeLessThan(1);
    }
  });
});
