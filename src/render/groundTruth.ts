/**
 * Exact ground truth of a scene, per frame, from the analytic geometry (not from pixels).
 *
 * Conventions (as SPEC.md): pixel coordinates have (0,0) at the centre of the top-left pixel,
 * x right, y down; µm = px × um_per_px. Positions are where the feature appears in that frame,
 * i.e. they include the stage drift (drift_x_px, drift_y_px of the frame); a tracker that
 * registers every frame to frame 0 should compare with position − (drift_t − drift_0).
 *
 * Dendrite tip: the apex of the Li-filled crack, i.e. its point farthest along its own growth
 * direction (the crack axis), at axial distance length_um from the base, where the axis meets
 * the interface; so length_um is also the straight base-to-tip distance, and it grows at
 * velocity_um_per_s (the scenario speed); j_tip = zF/V_m · velocity (src/core/units.ts).
 * The point farthest from the plating edge (deepest_x/y_px) equals the apex for an untilted
 * crack and lies within hundredths of a pixel (in depth) of it for a tilted one.
 * height_um is the tip's distance from the mean interface line along the edge normal
 * (≈ length·cos θ + base offset for a crack tilted by θ); height_velocity_um_per_s its rate.
 */
import { jTipAPerCm2FromVelocityUmPerS } from '../core/units.js';
import type { Scene } from './buildScene.js';
import type { LeafCrack } from './leafCrack.js';

export interface TipTruth {
  present: boolean;
  tip_x_px: number | null;
  tip_y_px: number | null;
  tip_x_um: number | null;
  tip_y_um: number | null;
  /** Whether the tip lies inside the image (−0.5 … size − 0.5). */
  tip_in_frame: boolean;
  /** Point of the crack farthest from the plating edge (equals the tip unless tilted). */
  deepest_x_px: number | null;
  deepest_y_px: number | null;
  length_um: number | null;
  height_um: number | null;
  velocity_um_per_s: number;
  height_velocity_um_per_s: number;
  j_tip_A_per_cm2: number;
  /** Maximum leaf width [µm]. */
  width_um: number | null;
}
export interface DendriteTruth extends TipTruth {
  id: number;
  branches: Array<TipTruth & { index: number }>;
}
export interface InclusionFrameTruth {
  id: number;
  front_x_px: number; front_y_px: number; front_x_um: number; front_y_um: number;
  back_x_px: number; back_y_px: number; back_x_um: number; back_y_um: number;
  centroid_x_px: number; centroid_y_px: number; centroid_x_um: number; centroid_y_um: number;
  area_um2: number;
  crack_length_um: number;
  depleted_area_um2: number;
}
export interface FrameTruth {
  frame: number;
  t_s: number;
  nominal_index: number;
  drift_x_px: number;
  drift_y_px: number;
  gain: number;
  dendrites: DendriteTruth[];
  inclusions: InclusionFrameTruth[];
}

const DT = 1e-4;

function tipTruth(scene: Scene, leaf: LeafCrack, t: number, dx: number, dy: number): TipTruth {
  const um = scene.scenario.calibration.um_per_px;
  const g = leaf.geometryAt(t);
  const v = leaf.profile.speedUmPerS(t);
  if (!g) {
    return {
      present: false, tip_x_px: null, tip_y_px: null, tip_x_um: null, tip_y_um: null, tip_in_frame: false, deepest_x_px: null, deepest_y_px: null,
      length_um: null, height_um: null, velocity_um_per_s: 0, height_velocity_um_per_s: 0, j_tip_A_per_cm2: 0, width_um: null,
    };
  }
  const [tu, tv] = leaf.apex(g);
  const [x0, y0] = scene.frame.toImage(tu, tv);
  const x = x0 + dx;
  const y = y0 + dy;
  const [du, dv] = leaf.deepestPoint(g);
  const [ex, ey] = scene.frame.toImage(du, dv);
  const g2 = leaf.geometryAt(t + DT);
  const hv = g2 ? ((leaf.apex(g2)[0] - tu) * um) / DT : 0;
  const { width_px: W, height_px: H } = scene.scenario.frame;
  return {
    present: true,
    tip_x_px: x,
    tip_y_px: y,
    tip_x_um: x * um,
    tip_y_um: y * um,
    tip_in_frame: x >= -0.5 && x <= W - 0.5 && y >= -0.5 && y <= H - 0.5,
    deepest_x_px: ex + dx,
    deepest_y_px: ey + dy,
    length_um: g.lengthPx * um,
    height_um: (tu - scene.iface.meanDepthPx) * um,
    velocity_um_per_s: v,
    height_velocity_um_per_s: hv,
    j_tip_A_per_cm2: jTipAPerCm2FromVelocityUmPerS(v),
    width_um: g.widthPx * um,
  };
}

/** Ground truth of frame `index`. */
export function frameTruth(scene: Scene, index: number): FrameTruth {
  const t = scene.clock.timesS[index];
  const dx = scene.motion.driftXPx[index];
  const dy = scene.motion.driftYPx[index];
  const um = scene.scenario.calibration.um_per_px;
  const img = (p: [number, number]): [number, number] => {
    const [x, y] = scene.frame.toImage(p[0], p[1]);
    return [x + dx, y + dy];
  };
  return {
    frame: index,
    t_s: t,
    nominal_index: scene.clock.nominalIndex[index],
    drift_x_px: dx,
    drift_y_px: dy,
    gain: scene.motion.gain[index],
    dendrites: scene.dendrites.map((d) => ({
      id: d.id,
      ...tipTruth(scene, d.leaf, t, dx, dy),
      branches: d.branches.map((b) => ({ index: b.index, ...tipTruth(scene, b.leaf, t, dx, dy) })),
    })),
    inclusions: scene.inclusions.map((inc) => {
      const tr = inc.shape.truth(inc.shape.stateAt(t));
      const [fx, fy] = img(tr.front);
      const [bx, by] = img(tr.back);
      const [cx, cy] = img(tr.centroid);
      return {
        id: inc.shape.id,
        front_x_px: fx, front_y_px: fy, front_x_um: fx * um, front_y_um: fy * um,
        back_x_px: bx, back_y_px: by, back_x_um: bx * um, back_y_um: by * um,
        centroid_x_px: cx, centroid_y_px: cy, centroid_x_um: cx * um, centroid_y_um: cy * um,
        area_um2: tr.areaPx2 * um * um,
        crack_length_um: tr.crackLengthPx * um,
        depleted_area_um2: tr.depletedAreaPx2 * um * um,
      };
    }),
  };
}

/** The interface description for truth.json (undrifted sample; add the frame's drift). */
export function interfaceTruth(scene: Scene) {
  const fr = scene.frame;
  const um = scene.scenario.calibration.um_per_px;
  const horizontal = fr.edge === 'top' || fr.edge === 'bottom';
  const [mx, my] = fr.toImage(scene.iface.meanDepthPx, 0);
  const profile: number[] = [];
  for (let v = 0; v < fr.alongPx; v++) profile.push(Number(scene.iface.depthPx(v).toFixed(4)));
  return {
    definition:
      'electrode = {depth < depth_px(v)}, depth measured from the plating image border (pixel coordinate −0.5 or size−0.5) into the image, v = along-edge pixel coordinate (x for top/bottom, y for left/right)',
    mean_depth_px: scene.iface.meanDepthPx,
    mean_depth_um: scene.iface.meanDepthPx * um,
    /** The mean interface line in image coordinates (frame 0 without drift). */
    mean_line: horizontal ? { axis: 'y', value_px: my } : { axis: 'x', value_px: mx },
    /** depth_px at v = 0, 1, …, along-edge size − 1. */
    depth_px_by_along_px: profile,
  };
}
