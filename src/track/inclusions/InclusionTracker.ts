/**
 * Isolated Li inclusions (i-Li) over a recording: dark regions that touch no electrode.
 *
 * Per frame (step): the segmenter's regions that do not touch the interface and hold at least
 * `minAreaPx` pixels are assigned to the inclusion whose crack envelope (the extent of its
 * regions along its own axis, ± `gatePx`, and across it, ± `gatePx`) contains the region's
 * centroid, nearest first; one inclusion may own several regions (the body and redeposited
 * patches); regions owned by none start a new inclusion. Each inclusion is then measured
 * (measureInclusion: ends, centroid, area, emptied crack, patches) and the measurement is
 * converted to image coordinates. An inclusion unseen for more than `maxGapFrames` frames ends.
 *
 * Reported (finish): inclusions seen in at least `minFrames` frames whose Li area stays within
 * a factor `areaFactor` of its median in at least 80 % of them (transient specks, noise and
 * flicker fail this); an inclusion whose ends and centroid all stay within 1 px is kept but
 * flagged `static` (dust, or a dormant inclusion: the current log decides).
 */
import type { SegmentResult } from '../../segment/segmenter.js';
import { canonicalToImage, type CanonicalGeometry } from '../../segment/orient.js';
import { measureInclusion, type InclusionMeasurement } from './measureInclusion.js';
import type { InclusionRow } from './types.js';

export interface InclusionTrackerOptions {
  /** Smallest region considered [px²]. */
  minAreaPx: number;
  /** Assignment gate around an inclusion's crack envelope [px]. */
  gatePx: number;
  maxGapFrames: number;
  minFrames: number;
  /** Consistency of the Li area: within [median/f, median·f]. */
  areaFactor: number;
  /** Added to image coordinates (ROI origin in the full frame) [px]. */
  offsetXPx: number;
  offsetYPx: number;
}

export const DEFAULT_INCLUSION_TRACKER_OPTIONS: InclusionTrackerOptions = {
  minAreaPx: 20, gatePx: 8, maxGapFrames: 3, minFrames: 3, areaFactor: 2, offsetXPx: 0, offsetYPx: 0,
};

interface TrackState {
  id: number;
  lastFrame: number;
  m: InclusionMeasurement;
  rows: InclusionRow[];
  /** Canonical ends/centroid per row, for the static test. */
  canon: Array<[number, number, number, number, number, number]>;
}

export class InclusionTracker {
  readonly opts: InclusionTrackerOptions;
  private active: TrackState[] = [];
  private done: TrackState[] = [];
  private nextId = 1;

  constructor(opts: Partial<InclusionTrackerOptions> = {}) {
    this.opts = { ...DEFAULT_INCLUSION_TRACKER_OPTIONS, ...opts };
  }

  /**
   * Process one segmented canonical frame.
   * @param frameIndex 0-based decoded frame index
   * @param tS true presentation time [s]
   * @param umPerPx scale [µm/px] (kept for the rows' physical columns; positions stay in px)
   */
  step(frameIndex: number, tS: number, seg: SegmentResult, geom: CanonicalGeometry, umPerPx: number): void {
    void umPerPx;
    const { minAreaPx, gatePx, maxGapFrames } = this.opts;
    const cands = seg.regions.filter((r) => !r.touchesInterface && r.areaPx >= minAreaPx);
    const owner = new Map<TrackState, typeof cands>();
    const fresh: typeof cands = [];
    for (const r of cands) {
      const pu = r.sumU / r.areaPx, pv = r.sumV / r.areaPx;
      let best: TrackState | null = null, bestScore = Infinity;
      for (const t of this.active) {
        const m = t.m;
        const du = pu - m.origin[0], dv = pv - m.origin[1];
        const s = du * m.axis[0] + dv * m.axis[1];
        const n = Math.abs(-du * m.axis[1] + dv * m.axis[0]);
        const ds = Math.max(0, m.sMin - s, s - m.sMax);
        const dn = Math.max(0, n - m.halfWidthPx);
        if (ds > gatePx || dn > gatePx) continue;
        if (ds + dn < bestScore) { bestScore = ds + dn; best = t; }
      }
      if (best) {
        if (!owner.has(best)) owner.set(best, []);
        owner.get(best)!.push(r);
      } else fresh.push(r);
    }
    const measure = (regs: typeof cands, prev?: InclusionMeasurement) => {
      const box = { uMin: Infinity, uMax: -Infinity, vMin: Infinity, vMax: -Infinity };
      for (const r of regs) {
        box.uMin = Math.min(box.uMin, r.uMin); box.uMax = Math.max(box.uMax, r.uMax);
        box.vMin = Math.min(box.vMin, r.vMin); box.vMax = Math.max(box.vMax, r.vMax);
      }
      return measureInclusion({
        cw: geom.cw, ch: geom.ch, darkening: seg.darkening, darkeningBlurred: seg.darkeningBlurred, labels: seg.labels,
        thresholdRel: seg.thresholdRel, labelSet: new Set(regs.map((r) => r.label)), box,
        previousBody: prev ? { back: prev.back, front: prev.front } : undefined,
      });
    };
    for (const [t, regs] of owner) {
      const m = measure(regs, t.m);
      if (m) this.record(t, m, frameIndex, tS, geom);
    }
    for (const r of fresh) {
      const m = measure([r]);
      if (!m) continue;
      const t: TrackState = { id: this.nextId++, lastFrame: frameIndex, m, rows: [], canon: [] };
      this.record(t, m, frameIndex, tS, geom);
      this.active.push(t);
    }
    const still: TrackState[] = [];
    for (const t of this.active) (frameIndex - t.lastFrame > maxGapFrames ? this.done : still).push(t);
    this.active = still;
  }

  private record(t: TrackState, m: InclusionMeasurement, frame: number, tS: number, geom: CanonicalGeometry): void {
    const { offsetXPx: ox, offsetYPx: oy } = this.opts;
    const img = (q: [number, number]) => { const p = canonicalToImage(q[0], q[1], geom); return [p.x + ox, p.y + oy]; };
    const [fx, fy] = img(m.front), [bx, by] = img(m.back), [cx, cy] = img(m.centroid);
    t.m = m;
    t.lastFrame = frame;
    t.rows.push({
      inclusionId: t.id, frame, tS, frontXPx: fx, frontYPx: fy, backXPx: bx, backYPx: by, centroidXPx: cx, centroidYPx: cy,
      areaPx2: m.areaPx2, frontVPx: m.front[1], backVPx: m.back[1], centroidVPx: m.centroid[1], lengthPx: m.lengthPx,
      axisAngleDeg: (Math.atan2(m.axis[0], m.axis[1]) * 180) / Math.PI, liContrastRel: m.liContrastRel,
      depletedAreaPx2: m.depletedAreaPx2, patchAreaPx2: m.patchAreaPx2, nPatches: m.nPatches,
      patchFromTipPx: m.patchFromTipPx, patchFromBackPx: m.patchFromBackPx, static: false,
    });
    t.canon.push([m.front[0], m.front[1], m.back[0], m.back[1], m.centroid[0], m.centroid[1]]);
  }

  /** End tracking: the accepted inclusions' rows, ids renumbered 1.. by first appearance. */
  finish(): InclusionRow[] {
    const all = [...this.done, ...this.active];
    this.done = [];
    this.active = [];
    const { minFrames, areaFactor } = this.opts;
    const kept = all.filter((t) => {
      if (t.rows.length < minFrames) return false;
      const a = t.rows.map((r) => r.areaPx2).sort((x, y) => x - y);
      const med = a[a.length >> 1];
      const ok = t.rows.filter((r) => r.areaPx2 >= med / areaFactor && r.areaPx2 <= med * areaFactor).length;
      return ok >= 0.8 * t.rows.length;
    });
    kept.sort((a, b) => a.rows[0].frame - b.rows[0].frame || a.rows[0].centroidVPx - b.rows[0].centroidVPx);
    const out: InclusionRow[] = [];
    kept.forEach((t, k) => {
      let isStatic = true;
      for (let q = 0; q < 6 && isStatic; q++) {
        let lo = Infinity, hi = -Infinity;
        for (const c of t.canon) { lo = Math.min(lo, c[q]); hi = Math.max(hi, c[q]); }
        if (hi - lo >= 1) isStatic = false;
      }
      for (const r of t.rows) out.push({ ...r, inclusionId: k + 1, static: isStatic });
    });
    return out;
  }
}
