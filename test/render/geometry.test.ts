import { describe, expect, it } from 'vitest';
import { buildScene } from '../../src/render/buildScene.js';
import { edgeFrame } from '../../src/render/edgeFrame.js';
import { frameTimes } from '../../src/render/frameTimes.js';
import { frameTruth } from '../../src/render/groundTruth.js';
import { leafCrack, leafHalfWidthPx } from '../../src/render/leafCrack.js';
import { validateScenario } from '../../src/render/parseScenario.js';
import { speedProfile } from '../../src/render/speedProfile.js';
import type { PlatingEdge } from '../../src/core/types.js';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';

const base = (edge: PlatingEdge, extra: Record<string, unknown> = {}) =>
  validateScenario({
    seed: 7,
    frame: { width_px: 96, height_px: 64 },
    calibration: { um_per_px: 0.5, plating_edge: edge },
    timing: { fps: 4, n_frames: 9 },
    scene: {
      electrode: { thickness_um: 5, roughness_um: 0 },
      dendrites: [{ id: 1, base_um: 20, angle_deg: 0, length0_um: 1, speed_um_per_s: 2.5, width0_um: 2, widen_um_per_s: 0.1, width_max_um: 4 }],
    },
    optics: { noise_sigma: 0, blur_sigma_px: 0 },
    output: { format: 'tiff' },
    ...extra,
  });

describe('speed profile (piecewise-constant tip speed, exact integral)', () => {
  it('integrates pieces exactly and inverts length → time', () => {
    const p = speedProfile([{ from_s: 0, speed_um_per_s: 8.6 }, { from_s: 2, speed_um_per_s: 4.5 }, { from_s: 5, speed_um_per_s: 0 }], 1, 3);
    expect(p.lengthUm(0.5)).toBeNaN();
    expect(p.lengthUm(1)).toBe(3);
    expect(p.lengthUm(2)).toBeCloseTo(3 + 8.6, 12);
    expect(p.lengthUm(4)).toBeCloseTo(3 + 8.6 + 2 * 4.5, 12);
    expect(p.lengthUm(9)).toBeCloseTo(3 + 8.6 + 3 * 4.5, 12);
    expect(p.speedUmPerS(2)).toBe(4.5);
    expect(p.timeAtLengthS(3 + 8.6 + 4.5)).toBeCloseTo(3, 12);
    expect(p.timeAtLengthS(1000)).toBe(Infinity);
  });
});

describe('ground-truth tip geometry (exact, all four plating edges, non-square frame)', () => {
  const cases: Array<[PlatingEdge, (t: number) => [number, number]]> = [
    // base 20 µm = 40 px along the edge → v = 39.5; interface depth 10 px; length (1 + 2.5 t) µm = 2(1 + 2.5t) px
    ['bottom', (t) => [39.5, 64 - 0.5 - 10 - 2 * (1 + 2.5 * t)]],
    ['top', (t) => [39.5, -0.5 + 10 + 2 * (1 + 2.5 * t)]],
    ['left', (t) => [-0.5 + 10 + 2 * (1 + 2.5 * t), 39.5]],
    ['right', (t) => [96 - 0.5 - 10 - 2 * (1 + 2.5 * t), 39.5]],
  ];
  for (const [edge, expected] of cases) {
    it(`${edge}: tip at the analytic position for speed 2.5 µm/s (≤ 1e-6 px), length, velocity and j_tip`, () => {
      const scene = buildScene(base(edge));
      for (let i = 0; i < 9; i++) {
        const tr = frameTruth(scene, i);
        const t = i / 4;
        const [ex, ey] = expected(t);
        const d = tr.dendrites[0];
        expect(Math.abs(d.tip_x_px! - ex)).toBeLessThan(1e-6);
        expect(Math.abs(d.tip_y_px! - ey)).toBeLessThan(1e-6);
        expect(d.tip_x_um).toBeCloseTo(d.tip_x_px! * 0.5, 12);
        expect(Math.abs(d.length_um! - (1 + 2.5 * t))).toBeLessThan(1e-9);
        expect(d.velocity_um_per_s).toBe(2.5);
        expect(d.j_tip_A_per_cm2).toBeCloseTo(jTipAPerCm2FromVelocityUmPerS(2.5), 12);
        expect(Math.abs(d.height_um! - (1 + 2.5 * t))).toBeLessThan(1e-9);
      }
    });
  }

  it('Fig. 2 speeds give the paper j_tip: 8.6 µm/s → 6.311 A/cm², 4.5 µm/s → 3.302 A/cm²', () => {
    const sc = base('bottom', {
      scene: {
        dendrites: [
          { id: 1, base_um: 20, angle_deg: -9, speed_um_per_s: 8.6 },
          { id: 2, base_um: 20, angle_deg: 16, speed_um_per_s: 4.5 },
        ],
      },
    });
    const tr = frameTruth(buildScene(sc), 4);
    expect(tr.dendrites[0].j_tip_A_per_cm2).toBeCloseTo(6.311, 3);
    expect(tr.dendrites[1].j_tip_A_per_cm2).toBeCloseTo(3.302, 3);
    // both grow from the same base point (joined at the base)
    expect(tr.dendrites[0].length_um).toBeCloseTo(1 + 8.6, 9);
    // tilted tip: the apex; its height over the interface grows at v·cos θ
    expect(tr.dendrites[0].height_velocity_um_per_s).toBeCloseTo(8.6 * Math.cos((9 * Math.PI) / 180), 6);
  });

  it('tilted blunt leaf: deepestPoint is the point farthest from the edge (checked against dense boundary sampling)', () => {
    const profile = speedProfile([{ from_s: -Infinity, speed_um_per_s: 1 }], 0, 4);
    const leaf = leafCrack({ baseU: 5, baseV: 30, angleRad: (60 * Math.PI) / 180, profile, pxPerUm: 1, width0Um: 6, widenUmPerS: 0, widthMaxUm: 6, sInPx: 2 });
    const g = leaf.geometryAt(0)!;
    const [tu] = leaf.deepestPoint(g);
    let best = -Infinity;
    const c = Math.cos((60 * Math.PI) / 180);
    const s = Math.sin((60 * Math.PI) / 180);
    for (let k = 0; k <= 200000; k++) {
      const sp = (k / 200000) * g.lengthPx;
      const h = leafHalfWidthPx(g, sp);
      for (const side of [-1, 1]) best = Math.max(best, 5 + sp * c - side * h * s);
    }
    expect(tu).toBeGreaterThan(leaf.apex(g)[0]); // blunt: the flank sticks out beyond the apex
    expect(Math.abs(tu - best)).toBeLessThan(1e-6);
  });

  it('edge frames are inverse maps', () => {
    for (const e of ['top', 'bottom', 'left', 'right'] as const) {
      const f = edgeFrame(e, 96, 64);
      const [u, v] = f.toEdge(12.25, 40.75);
      const [x, y] = f.toImage(u, v);
      expect(x).toBeCloseTo(12.25, 12);
      expect(y).toBeCloseTo(40.75, 12);
    }
  });
});

describe('frame timestamps', () => {
  it('regular: i/fps; irregular: nominal clock with gaps, jitter bounded, rounded to the time base', () => {
    const reg = frameTimes(base('bottom'));
    expect(reg.irregular).toBe(false);
    expect(reg.timesS[8]).toBeCloseTo(2, 12);
    const sc = base('bottom', { timing: { fps: 10, n_frames: 30, jitter_frac: 0.5, dropped: [{ after_frame: 9, count: 15 }], time_base_hz: 1000 } });
    const irr = frameTimes(sc);
    expect(irr.irregular).toBe(true);
    expect(irr.timesS).toHaveLength(30);
    expect(irr.nominalIndex[10]).toBe(25);
    irr.timesS.forEach((t, i) => {
      expect(Math.abs(t - irr.nominalIndex[i] / 10)).toBeLessThanOrEqual(0.025 + 1e-9);
      expect(Math.abs(t * 1000 - Math.round(t * 1000))).toBeLessThan(1e-6);
      if (i > 0) expect(t).toBeGreaterThan(irr.timesS[i - 1]);
    });
    // index/fps would be wrong by the gap: 29 written intervals span 44 nominal ones
    expect(irr.timesS[29] - irr.timesS[0]).toBeGreaterThan(4.3);
  });
});

describe('isolated inclusion truth', () => {
  it('ends, centroid and area follow the trajectory; area equals the integral of the crack profile', () => {
    const sc = base('left', {
      scene: {
        electrode: { thickness_um: 2 },
        inclusions: [
          {
            id: 1, origin_um: [10, 16], angle_deg: 0, width_um: 2, crack_lead_um: 1,
            trajectory: [
              { t_s: 0, back_um: 0, front_um: 10 },
              { t_s: 2, back_um: 4, front_um: 14 },
            ],
          },
        ],
      },
    });
    const scene = buildScene(sc);
    const tr = frameTruth(scene, 4).inclusions[0]; // t = 1 s: back 2, front 12 µm
    // left edge: growth direction = +x; origin (10, 16) µm = (20, 32) px
    expect(tr.back_x_um).toBeCloseTo(10 + 2, 9);
    expect(tr.front_x_um).toBeCloseTo(10 + 12, 9);
    expect(tr.front_y_um).toBeCloseTo(16, 9);
    // Li segment [2, 12] µm lies where the crack (envelope [-1, 13] µm, taper 2 µm) is 2 µm wide
    // except its last µm before the front: [11, 12] tapers from 2 to 1 µm.
    expect(tr.area_um2).toBeCloseTo(9 * 2 + 1 * 1.5, 9);
    // depleted part: envelope [-1, 2] behind it (taper over [-1, 1]) and [12, 13] ahead
    expect(tr.depleted_area_um2).toBeCloseTo(2 * 1 + 1 * 2 + 0.5 * 1 * 1, 9);
  });
});

describe('branches', () => {
  it('a branch appears when the parent tip passes at_length_um and grows from that axis point at its own speed', () => {
    const sc = base('top', {
      scene: {
        electrode: { thickness_um: 5, roughness_um: 0 },
        dendrites: [
          {
            id: 1, base_um: 20, angle_deg: 0, length0_um: 1, speed_um_per_s: 4,
            branches: [{ at_length_um: 5, angle_deg: 30, length0_um: 0.5, speed_um_per_s: 2, width0_um: 0.3, widen_um_per_s: 0 }], // sharp: tip = apex
          },
        ],
      },
    });
    const scene = buildScene(sc);
    // parent length 1 + 4t reaches 5 µm at t = 1 s (frame 4 at 4 fps)
    expect(frameTruth(scene, 3).dendrites[0].branches[0].present).toBe(false);
    for (const i of [4, 6, 8]) {
      const t = i / 4;
      const b = frameTruth(scene, i).dendrites[0].branches[0];
      const lenPx = 2 * (0.5 + 2 * (t - 1));
      const a = (30 * Math.PI) / 180;
      // top edge: base at x = 39.5, interface depth 10 px → branch base at y = −0.5 + 10 + 10
      expect(b.present).toBe(true);
      expect(Math.abs(b.tip_x_px! - (39.5 + lenPx * Math.sin(a)))).toBeLessThan(1e-6);
      expect(Math.abs(b.tip_y_px! - (19.5 + lenPx * Math.cos(a)))).toBeLessThan(1e-6);
      expect(b.velocity_um_per_s).toBe(2);
    }
  });
});
