/**
 * An isolated Li inclusion inside a crack, in edge coordinates (u, v) [px].
 *
 * The axis starts at the origin and points away from the plating edge (rotated by
 * angle_deg). Ends are axial positions s [px]. At time t the trajectory gives back(t) and
 * front(t) (linear between samples, held outside) and Li patches (from the latest sample).
 * The crack envelope is everything the Li has ever occupied, extended by crack_lead at both
 * ends: [min_{τ≤t} back(τ) − lead, max_{τ≤t} front(τ) + lead] (the extremes of a piecewise
 * linear path are at its knots, so this is exact). The crack's half-width is
 * h(s) = (w/2)·min(1, (s − lo)/w, (hi − s)/w) (tips taper over one width). Li fills
 * {s ∈ [back, front] ∪ patches, |r| ≤ h(s)}; the rest of the envelope is the emptied,
 * "depleted" crack. Truth ends are the axis points at s = back and s = front.
 */
import type { InclusionSample, InclusionSpec } from './scenarioSchema.js';

export interface InclusionState {
  backPx: number;
  frontPx: number;
  loPx: number;
  hiPx: number;
  /** Merged Li intervals along the axis [px], clipped to the envelope. */
  liPx: Array<[number, number]>;
}

export interface InclusionTruth {
  /** Axis points (u, v) of the ends [px]. */
  back: [number, number];
  front: [number, number];
  centroid: [number, number];
  /** Li area in the image plane [px²]. */
  areaPx2: number;
  /** Envelope (crack) length [px] and depleted crack area [px²]. */
  crackLengthPx: number;
  depletedAreaPx2: number;
}

export interface InclusionShape {
  id: number;
  stateAt(tS: number): InclusionState;
  /** 2 inside Li, 1 inside the depleted crack, 0 outside. */
  classify(st: InclusionState, u: number, v: number): 0 | 1 | 2;
  truth(st: InclusionState): InclusionTruth;
  /** Box (u0, u1, v0, v1) containing the envelope. */
  bounds(st: InclusionState, marginPx?: number): [number, number, number, number];
  /** Point (u, v) on the axis at s [px]. */
  axisPoint(sPx: number): [number, number];
}

/**
 * @param tr trajectory samples (µm along the axis), strictly increasing in time
 * @param spec inclusion spec (µm)
 * @param originU,originV axis origin in edge coordinates [px]
 * @param pxPerUm 1/(µm per px)
 */
export function inclusionShape(tr: readonly InclusionSample[], spec: InclusionSpec, originU: number, originV: number, pxPerUm: number): InclusionShape {
  const a = (spec.angle_deg * Math.PI) / 180;
  const c = Math.cos(a);
  const sn = Math.sin(a);
  const w = spec.width_um * pxPerUm;
  const lead = spec.crack_lead_um * pxPerUm;
  const interp = (t: number): [number, number] => {
    if (t <= tr[0].t_s) return [tr[0].back_um, tr[0].front_um];
    const last = tr[tr.length - 1];
    if (t >= last.t_s) return [last.back_um, last.front_um];
    let k = 0;
    while (tr[k + 1].t_s < t) k++;
    const f = (t - tr[k].t_s) / (tr[k + 1].t_s - tr[k].t_s);
    return [tr[k].back_um + f * (tr[k + 1].back_um - tr[k].back_um), tr[k].front_um + f * (tr[k + 1].front_um - tr[k].front_um)];
  };
  const half = (st: InclusionState, s: number): number => (0.5 * w) * Math.max(0, Math.min(1, (s - st.loPx) / w, (st.hiPx - s) / w));
  const stateAt = (t: number): InclusionState => {
    const [b, f] = interp(t);
    let lo = b;
    let hi = f;
    let patches: Array<[number, number]> = [];
    for (const p of tr) {
      if (p.t_s > t) break;
      lo = Math.min(lo, p.back_um);
      hi = Math.max(hi, p.front_um);
      patches = p.patches_um;
    }
    const loPx = lo * pxPerUm - lead;
    const hiPx = hi * pxPerUm + lead;
    const iv: Array<[number, number]> = [[b * pxPerUm, f * pxPerUm], ...patches.map(([p0, p1]) => [p0 * pxPerUm, p1 * pxPerUm] as [number, number])]
      .map(([p0, p1]) => [Math.max(p0, loPx), Math.min(p1, hiPx)] as [number, number])
      .filter(([p0, p1]) => p1 > p0)
      .sort((x, y) => x[0] - y[0]);
    const liPx: Array<[number, number]> = [];
    for (const q of iv) {
      const l = liPx[liPx.length - 1];
      if (l && q[0] <= l[1]) l[1] = Math.max(l[1], q[1]);
      else liPx.push([q[0], q[1]]);
    }
    return { backPx: b * pxPerUm, frontPx: f * pxPerUm, loPx, hiPx, liPx };
  };
  const axisPoint = (s: number): [number, number] => [originU + s * c, originV + s * sn];
  const classify = (st: InclusionState, u: number, v: number): 0 | 1 | 2 => {
    const du = u - originU;
    const dv = v - originV;
    const s = du * c + dv * sn;
    if (s < st.loPx || s > st.hiPx) return 0;
    const r = Math.abs(-du * sn + dv * c);
    if (r > half(st, s)) return 0;
    for (const [p0, p1] of st.liPx) if (s >= p0 && s <= p1) return 2;
    return 1;
  };
  /** ∫ 2h ds and ∫ s·2h ds over [s0, s1] (h piecewise linear: exact on sub-intervals). */
  const moments = (st: InclusionState, s0: number, s1: number): [number, number] => {
    const knots = [s0, s1, st.loPx + w, st.hiPx - w].filter((k) => k >= s0 && k <= s1).sort((x, y) => x - y);
    let m0 = 0;
    let m1 = 0;
    for (let i = 0; i + 1 < knots.length; i++) {
      const x0 = knots[i];
      const x1 = knots[i + 1];
      const h0 = 2 * half(st, x0);
      const h1 = 2 * half(st, x1);
      const d = x1 - x0;
      m0 += 0.5 * (h0 + h1) * d;
      m1 += (d / 6) * (x0 * (2 * h0 + h1) + x1 * (h0 + 2 * h1));
    }
    return [m0, m1];
  };
  const truth = (st: InclusionState): InclusionTruth => {
    let m0 = 0;
    let m1 = 0;
    for (const [p0, p1] of st.liPx) {
      const [a0, a1] = moments(st, p0, p1);
      m0 += a0;
      m1 += a1;
    }
    const [e0] = moments(st, st.loPx, st.hiPx);
    return {
      back: axisPoint(st.backPx),
      front: axisPoint(st.frontPx),
      centroid: axisPoint(m0 > 0 ? m1 / m0 : 0.5 * (st.backPx + st.frontPx)),
      areaPx2: m0,
      crackLengthPx: st.hiPx - st.loPx,
      depletedAreaPx2: e0 - m0,
    };
  };
  const bounds = (st: InclusionState, m = 0): [number, number, number, number] => {
    const us: number[] = [];
    const vs: number[] = [];
    for (const s of [st.loPx - m, st.hiPx + m])
      for (const r of [-0.5 * w - m, 0.5 * w + m]) {
        us.push(originU + s * c - r * sn);
        vs.push(originV + s * sn + r * c);
      }
    return [Math.min(...us), Math.max(...us), Math.min(...vs), Math.max(...vs)];
  };
  return { id: spec.id, stateAt, classify, truth, bounds, axisPoint };
}
