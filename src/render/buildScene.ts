/**
 * From a validated scenario to the static scene: geometry of the electrode, cracks,
 * inclusions and distractors in edge coordinates of the sample (undrifted), plus the frame
 * clock and camera motion. Pure; no pixels yet.
 */
import { createPrng } from './prng.js';
import { cameraMotion, type CameraMotion } from './cameraMotion.js';
import { edgeFrame, type EdgeFrame } from './edgeFrame.js';
import { frameTimes, type FrameTimes } from './frameTimes.js';
import { inclusionShape, type InclusionShape } from './inclusionShape.js';
import { interfaceProfile, type InterfaceProfile } from './interfaceProfile.js';
import { leafCrack, type LeafCrack } from './leafCrack.js';
import { modelTrajectory } from './modelTrajectory.js';
import type { Scenario } from './scenarioSchema.js';
import { speedProfile, speedSegmentsOf } from './speedProfile.js';
import { valueNoise } from './valueNoise.js';

export interface SceneBranch {
  /** 1-based index within its dendrite. */
  index: number;
  leaf: LeafCrack;
  /** Fractional darkening (0–1). */
  dark: number;
}
export interface SceneDendrite {
  id: number;
  leaf: LeafCrack;
  dark: number;
  branches: SceneBranch[];
}
export interface SceneInclusion {
  shape: InclusionShape;
  dark: number;
  depletedDark: number;
}
export interface SceneDisc {
  u: number;
  v: number;
  radiusPx: number;
  dark: number;
}
export interface SceneLine {
  /** A point (u, v) of the line and its unit normal in edge coordinates. */
  u: number;
  v: number;
  nu: number;
  nv: number;
  halfWidthPx: number;
  dark: number;
}

export interface Scene {
  scenario: Scenario;
  frame: EdgeFrame;
  pxPerUm: number;
  iface: InterfaceProfile;
  electrodeDark: number;
  dendrites: SceneDendrite[];
  inclusions: SceneInclusion[];
  dust: SceneDisc[];
  scratches: SceneLine[];
  clock: FrameTimes;
  motion: CameraMotion;
  /** Static crystal texture (relative, about −1…1) sampled at integer sample positions
   * x0 … x0+w−1, y0 … y0+h−1, wide enough for the drift; null if texture_pct = 0. */
  texture: { data: Float32Array; x0: number; y0: number; w: number; h: number } | null;
}

const deg = (d: number): number => (d * Math.PI) / 180;

/** Build the scene of a scenario. */
export function buildScene(sc: Scenario): Scene {
  const { width_px: W, height_px: H } = sc.frame;
  const pxPerUm = 1 / sc.calibration.um_per_px;
  const frame = edgeFrame(sc.calibration.plating_edge, W, H);
  const el = sc.scene.electrode;
  const iface = interfaceProfile(el.thickness_um * pxPerUm, el.roughness_um * pxPerUm, el.wavelength_um * pxPerUm, sc.seed);
  const crackDark = sc.scene.crack_contrast_pct / 100;

  const dendrites: SceneDendrite[] = sc.scene.dendrites.map((d) => {
    const baseV = d.base_um * pxPerUm - 0.5;
    const baseU = iface.depthPx(baseV);
    const angle = deg(d.angle_deg);
    const profile = speedProfile(speedSegmentsOf(d), d.start_s, d.length0_um);
    const leaf = leafCrack({
      baseU, baseV, angleRad: angle, profile, pxPerUm,
      width0Um: d.width0_um, widenUmPerS: d.widen_um_per_s, widthMaxUm: d.width_max_um,
      sInPx: Math.max(3, 3 * iface.maxDepthPx - 3 * iface.meanDepthPx),
    });
    const branches = d.branches.map((b, k): SceneBranch => {
      const s = b.at_length_um * pxPerUm;
      const start = profile.timeAtLengthS(b.at_length_um);
      const bProfile = speedProfile(speedSegmentsOf(b), Number.isFinite(start) ? start : Infinity, b.length0_um);
      return {
        index: k + 1,
        dark: (b.contrast_pct ?? d.contrast_pct ?? sc.scene.crack_contrast_pct) / 100,
        leaf: leafCrack({
          baseU: baseU + s * Math.cos(angle), baseV: baseV + s * Math.sin(angle), angleRad: angle + deg(b.angle_deg), profile: bProfile, pxPerUm,
          width0Um: b.width0_um, widenUmPerS: b.widen_um_per_s, widthMaxUm: b.width_max_um, sInPx: 1,
        }),
      };
    });
    return { id: d.id, leaf, dark: (d.contrast_pct ?? sc.scene.crack_contrast_pct) / 100, branches };
  });

  const clock = frameTimes(sc);
  const inclusions: SceneInclusion[] = sc.scene.inclusions.map((inc) => {
    const [ou, ov] = frame.toEdge(inc.origin_um[0] * pxPerUm, inc.origin_um[1] * pxPerUm);
    const trajectory = inc.model ? modelTrajectory(inc.model, inc.angle_deg, sc.current!, clock.timesS) : inc.trajectory!;
    return {
      shape: inclusionShape(trajectory, inc, ou, ov, pxPerUm),
      dark: (inc.contrast_pct ?? crackDark * 100) / 100,
      depletedDark: (inc.depleted_contrast_pct ?? sc.scene.depleted_contrast_pct) / 100,
    };
  });

  const motion = cameraMotion(sc, clock.timesS);
  const tEnd = clock.timesS[clock.timesS.length - 1];

  // Static distractors, placed in the sample (they move with the drift), never on the electrode.
  const rng = createPrng(sc.seed, 'dust');
  const dust: SceneDisc[] = [];
  const ds = sc.scene.dust;
  const avoid = ds.avoid_cracks_px;
  for (let n = 0; n < ds.count; n++) {
    for (let attempt = 0; attempt < 200; attempt++) {
      const r = rng.range(Math.min(...ds.radius_px), Math.max(...ds.radius_px));
      const u = rng.range(iface.maxDepthPx + r + 2, frame.acrossPx);
      const v = rng.range(0, frame.alongPx);
      const nearCrack =
        avoid > 0 &&
        (dendrites.some((d) => {
          const leaves = [d.leaf, ...d.branches.map((b) => b.leaf)];
          return leaves.some((lf) => {
            const g = lf.geometryAt(tEnd);
            return g !== null && lf.contains(g, u, v, avoid + r);
          });
        }) ||
          inclusions.some((inc) => {
            const [u0, u1, v0, v1] = inc.shape.bounds(inc.shape.stateAt(tEnd), avoid + r);
            return u >= u0 && u <= u1 && v >= v0 && v <= v1;
          }));
      if (!nearCrack) {
        dust.push({ u, v, radiusPx: r, dark: ds.darkening_pct / 100 });
        break;
      }
    }
  }
  const srng = createPrng(sc.seed, 'scratches');
  const scratches: SceneLine[] = [];
  for (let n = 0; n < sc.scene.scratches.count; n++) {
    const a = srng.range(0, Math.PI);
    scratches.push({
      u: srng.range(iface.maxDepthPx, frame.acrossPx),
      v: srng.range(0, frame.alongPx),
      nu: Math.cos(a),
      nv: Math.sin(a),
      halfWidthPx: sc.scene.scratches.width_px / 2,
      dark: sc.scene.scratches.darkening_pct / 100,
    });
  }

  let texture: Scene['texture'] = null;
  const bg = sc.scene.background;
  if (bg.texture_pct > 0) {
    const m = Math.ceil(Math.max(0, ...motion.driftXPx.map(Math.abs), ...motion.driftYPx.map(Math.abs))) + 2;
    const w = W + 2 * m;
    const h = H + 2 * m;
    const data = new Float32Array(w * h);
    const seed = (sc.seed * 2654435761) | 0;
    for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) data[j * w + i] = valueNoise(seed, i - m, j - m, bg.texture_scale_px);
    texture = { data, x0: -m, y0: -m, w, h };
  }

  return { scenario: sc, frame, pxPerUm, iface, electrodeDark: el.darkening_pct / 100, dendrites, inclusions, dust, scratches, clock, motion, texture };
}
