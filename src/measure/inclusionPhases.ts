/**
 * summary.json "inclusions" (SPEC.md): per inclusion and per constant-current phase, the
 * velocities of the front and back ends along the field axis (signed, positive away from the
 * plating edge), by ordinary least squares on the frames' true times with 95 % confidence
 * intervals, and the relative change of the Li area over the phase (from a straight-line fit of
 * area vs time, evaluated at the phase's first and last frame: robust to per-frame noise).
 * Redeposition after a reversal (patches of Li appearing in the emptied crack) is summarised
 * per phase: onset time, where it starts (distance from the crack tip vs from the body's back
 * end), largest patch count and the refilled area at the end of the phase.
 */
import type { CurrentPhase } from '../ingest/currentLog/types.js';
import type { InclusionRow } from '../track/inclusions/types.js';
import { fitLine } from './regression.js';

export interface InclusionPhaseSummary {
  t_start_s: number;
  t_end_s: number;
  /** −1, 0, +1; null without a current log. */
  current_sign: number | null;
  front_velocity_um_per_s: number;
  back_velocity_um_per_s: number;
  area_change_rel: number;
  front_velocity_ci95_um_per_s: [number, number];
  back_velocity_ci95_um_per_s: [number, number];
  centroid_velocity_um_per_s: number;
  centroid_velocity_ci95_um_per_s: [number, number];
  length_change_um: number;
  current_mA: number | null;
  n_points: number;
  depleted_area_change_um2: number;
  redeposition: null | {
    onset_t_s: number;
    onset_from_tip_um: number;
    onset_from_back_um: number;
    /** "tip" when the first patch is nearer the emptied crack's tip than the body's back end. */
    onset_at: 'tip' | 'back';
    max_patches: number;
    refilled_area_end_um2: number;
  };
}

export interface InclusionSummary {
  id: number;
  static: boolean;
  phases: InclusionPhaseSummary[];
}

const r6 = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(8)) : NaN);

/**
 * @param rows tracker rows of all inclusions (positions in px)
 * @param phases phases of the current log (phasesOfCurrent); empty: one phase per inclusion
 *   spanning its track, current_sign null
 * @param umPerPx scale [µm/px]
 * @param minPoints phases with fewer frames of an inclusion are left out (≥ 3 for an interval)
 */
export function inclusionPhases(rows: readonly InclusionRow[], phases: readonly CurrentPhase[], umPerPx: number, minPoints = 3): InclusionSummary[] {
  const byId = new Map<number, InclusionRow[]>();
  for (const r of rows) {
    if (!byId.has(r.inclusionId)) byId.set(r.inclusionId, []);
    byId.get(r.inclusionId)!.push(r);
  }
  const out: InclusionSummary[] = [];
  for (const [id, rs0] of [...byId].sort((a, b) => a[0] - b[0])) {
    const rs = [...rs0].sort((a, b) => a.tS - b.tS);
    const windows: Array<{ t0: number; t1: number; sign: number | null; cur: number | null }> = phases.length
      ? phases.map((p) => ({ t0: p.tStartS, t1: p.tEndS, sign: p.sign, cur: p.currentMA }))
      : [{ t0: rs[0].tS, t1: rs[rs.length - 1].tS, sign: null, cur: null }];
    const ps: InclusionPhaseSummary[] = [];
    for (const w of windows) {
      const sel = rs.filter((r) => r.tS >= w.t0 && r.tS <= w.t1);
      if (sel.length < minPoints) continue;
      const t = sel.map((r) => r.tS);
      const f = fitLine(t, sel.map((r) => r.frontVPx * umPerPx));
      const b = fitLine(t, sel.map((r) => r.backVPx * umPerPx));
      const c = fitLine(t, sel.map((r) => r.centroidVPx * umPerPx));
      const a = fitLine(t, sel.map((r) => r.areaPx2 * umPerPx * umPerPx));
      const L = fitLine(t, sel.map((r) => r.lengthPx * umPerPx));
      const d = fitLine(t, sel.map((r) => r.depletedAreaPx2 * umPerPx * umPerPx));
      const ta = t[0], tb = t[t.length - 1];
      const a0 = a.intercept + a.slope * ta, a1 = a.intercept + a.slope * tb;
      let redep: InclusionPhaseSummary['redeposition'] = null;
      const first = sel.find((r) => r.nPatches > 0);
      if (first) {
        const last = sel[sel.length - 1];
        redep = {
          onset_t_s: r6(first.tS),
          onset_from_tip_um: r6(first.patchFromTipPx * umPerPx),
          onset_from_back_um: r6(first.patchFromBackPx * umPerPx),
          onset_at: first.patchFromTipPx <= first.patchFromBackPx ? 'tip' : 'back',
          max_patches: Math.max(...sel.map((r) => r.nPatches)),
          refilled_area_end_um2: r6(last.patchAreaPx2 * umPerPx * umPerPx),
        };
      }
      const ci = (x: [number, number]): [number, number] => [r6(x[0]), r6(x[1])];
      ps.push({
        t_start_s: r6(w.t0), t_end_s: r6(w.t1), current_sign: w.sign,
        front_velocity_um_per_s: r6(f.slope), back_velocity_um_per_s: r6(b.slope),
        area_change_rel: r6((a1 - a0) / a0),
        front_velocity_ci95_um_per_s: ci(f.slopeCi95), back_velocity_ci95_um_per_s: ci(b.slopeCi95),
        centroid_velocity_um_per_s: r6(c.slope), centroid_velocity_ci95_um_per_s: ci(c.slopeCi95),
        length_change_um: r6(L.slope * (tb - ta)), current_mA: w.cur === null ? null : r6(w.cur), n_points: sel.length,
        depleted_area_change_um2: r6(d.slope * (tb - ta)), redeposition: redep,
      });
    }
    out.push({ id, static: rs.some((r) => r.static), phases: ps });
  }
  return out;
}
