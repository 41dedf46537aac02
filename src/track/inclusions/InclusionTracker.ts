/**
 * Isolated Li inclusions (i-Li) over a recording: dark regions that touch no electrode.
 *
 * Per frame (step): the segmenter's regions that do not touch the interface or the image border
 * (an inclusion cut by the border has an end out of view) and hold at least `minAreaPx` pixels
 * are assigned to the inclusion whose crack envelope (the extent of its
 * regions along its own axis, ± `gatePx`, and across it, ± `gatePx`) contains the region's
 * centroid, nearest first; one inclusion may own several regions (the body and redeposited
 * patches); regions owned by none start a new inclusion. Each inclusion is then measured
 * (measureInclusion: ends, centroid, area, emptied crack, patches) and the measurement is
 * converted to image coordinates. An inclusion unseen for more than `maxGapFrames` frames ends.
 *
 * Reported (finish): inclusions seen in at least `minFrames` frames whose Li area stays within
 * a factor `areaFactor` of its median in at least 80 % of them (transient specks, noise and
 * flicker fail this). Static dust is rejected: a feature whose centroid stays within 1 px of its
 * median position (in 90 % of the frames) AND that is compact (median length²/area < `minAspect`; a disc
 * gives 4/π, a Li-filled crack 10 or more). A static crack-shaped feature is Li that did not
 * move (a dormant inclusion, or one at zero current): kept and flagged `static`.
 */
import type { SegmentResult } from '../../segment/segmenter.js';
import { canonicalToImage, type CanonicalGeometry } from '../../segment/orient.js';
import { measureInclusion, type InclusionMeasurement } from './measureInclusion.js';
import { END_MODEL_MIN_LENGTH_PX } from './endModelFit.js';
import type { InclusionRow } from './types.js';

export interface InclusionTrackerOptions {
  /** Smallest region considered [px²]. */
  minAreaPx: number;
  /**
   * Candidates must be elongated: (longer bounding-box side)² / area ≥ this. A Li-filled crack is
   * (a compact dark speck — dust, a texture grain — has ≈ 1.3); measuring every speck of a
   * textured crystal in every frame would dominate the run time.
   */
  minElongation: number;
  /** Regions within this distance of the image border are ignored: their ends are not in view [px]. */
  borderPx: number;
  /** Assignment gate around an inclusion's crack envelope [px]. */
  gatePx: number;
  maxGapFrames: number;
  minFrames: number;
  /** Consistency of the Li area: within [median/f, median·f]. */
  areaFactor: number;
  /** A static feature with median length²/area below this is dust, not an inclusion. */
  minAspect: number;
  /** Added to image coordinates (ROI origin in the full frame) [px]. */
  offsetXPx: number;
  offsetYPx: number;
}

export const DEFAULT_INCLUSION_TRACKER_OPTIONS: InclusionTrackerOptions = {
  minAreaPx: 20, minElongation: 2, borderPx: 1, gatePx: 8, maxGapFrames: 3, minFrames: 3, areaFactor: 2, minAspect: 3, offsetXPx: 0, offsetYPx: 0,
};

/** One inclusion being tracked (part of the tracker's snapshot). */
interface TrackState {
  id: number;
  lastFrame: number;
  m: InclusionMeasurement;
  rows: InclusionRow[];
  /** Canonical ends/centroid (front u,v, back u,v, centroid u,v) per row, for the static test. */
  canon: Array<[number, number, number, number, number, number]>;
}

export type { TrackState as InclusionTrackState };

/**
 * An ended inclusion that finish() reports: its rows and whether it is static. Whether a track is
 * reported depends on its own rows only, so it is decided when the track ends and the rest of a
 * track is dropped then: most tracks in a long recording are specks and dust that fail the tests,
 * and keeping every one (with its last measurement) made the state grow with the recording — at
 * 1080p, 6.7 MB of checkpoint state per 10 minutes, rewritten at every checkpoint.
 */
interface EndedTrack {
  rows: InclusionRow[];
  static: boolean;
}

/** Everything the tracker carries from one frame to the next (InclusionTracker.snapshot / restore). */
export interface InclusionTrackerSnapshot {
  active: TrackState[];
  /**
   * The ended tracks that are reported: their rows one after another (a checkpoint stores them by
   * column), each track's number of rows and its static flag.
   */
  done: { rows: InclusionRow[]; counts: number[]; static: boolean[] };
  nextId: number;
}

export class InclusionTracker {
  readonly opts: InclusionTrackerOptions;
  private active: TrackState[] = [];
  private done: EndedTrack[] = [];
  private nextId = 1;

  constructor(opts: Partial<InclusionTrackerOptions> = {}) {
    this.opts = { ...DEFAULT_INCLUSION_TRACKER_OPTIONS, ...opts };
  }

  /**
   * The state after the frames seen so far; later steps do not change it. (The active tracks are
   * copied; an ended track's rows never change again, so they are shared, not copied: a deep copy
   * of every ended track at every checkpoint was garbage that grew with the recording.)
   */
  snapshot(): InclusionTrackerSnapshot {
    const rows: InclusionRow[] = [], counts: number[] = [], isStatic: boolean[] = [];
    for (const t of this.done) {
      for (const r of t.rows) rows.push(r);
      counts.push(t.rows.length);
      isStatic.push(t.static);
    }
    return { active: structuredClone(this.active), done: { rows, counts, static: isStatic }, nextId: this.nextId };
  }

  /** Continue from a snapshot: step() and finish() then give what they would have given after the snapshot's frames. */
  restore(s: InclusionTrackerSnapshot): void {
    const c = structuredClone(s);
    this.active = c.active;
    this.done = [];
    let i = 0;
    c.done.counts.forEach((n, k) => {
      this.done.push({ rows: c.done.rows.slice(i, i + n), static: c.done.static[k] });
      i += n;
    });
    this.nextId = c.nextId;
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
    const b = this.opts.borderPx;
    const cands = seg.regions.filter(
      (r) => !r.touchesInterface && r.areaPx >= minAreaPx
        && Math.max(r.uMax - r.uMin + 1, r.vMax - r.vMin + 1) ** 2 / r.areaPx >= this.opts.minElongation
        && r.uMin >= b && r.uMax <= geom.cw - 1 - b && r.vMin >= b && r.vMax <= geom.ch - 1 - b,
    );
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
        // The 2-D end model (sub-pixel ends in a narrowing crack tip) costs ~1 ms per end: it is
        // spent on crack-shaped regions (length²/area ≥ minAspect, at least END_MODEL_MIN_LENGTH_PX
        // long) already followed from an earlier frame, not on every new speck of noise or on a
        // compact drifting particle (measured by the half-level crossing).
        endModel: prev !== undefined && prev.lengthPx >= END_MODEL_MIN_LENGTH_PX && (prev.lengthPx * prev.lengthPx) / Math.max(1, prev.areaPx2) >= this.opts.minAspect,
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
    for (const t of this.active) {
      if (frameIndex - t.lastFrame <= maxGapFrames) still.push(t);
      else {
        const e = this.judge(t);
        if (e) this.done.push(e);
      }
    }
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

  /**
   * Whether an ended track is reported — seen in at least `minFrames` frames, its Li area within a
   * factor `areaFactor` of its median in ≥ 80 % of them, and not static dust (see the module
   * comment) — and if so its rows and static flag; null when not.
   */
  private judge(t: TrackState): EndedTrack | null {
    const { minFrames, areaFactor } = this.opts;
    if (t.rows.length < minFrames) return null;
    const a = t.rows.map((r) => r.areaPx2).sort((x, y) => x - y);
    const medA = a[a.length >> 1];
    const ok = t.rows.filter((r) => r.areaPx2 >= medA / areaFactor && r.areaPx2 <= medA * areaFactor).length;
    if (ok < 0.8 * t.rows.length) return null;
    // static: the centroid stays within 1 px of its median position in 90 % of the frames
    const med = (q: number) => { const v = t.canon.map((c) => c[q]).sort((x, y) => x - y); return v[v.length >> 1]; };
    const mu = med(4), mv = med(5);
    const d = t.canon.map((c) => Math.hypot(c[4] - mu, c[5] - mv)).sort((x, y) => x - y);
    const isStatic = d[Math.min(d.length - 1, Math.floor(0.9 * d.length))] < 1;
    const asp = t.rows.map((r) => (r.lengthPx * r.lengthPx) / r.areaPx2).sort((x, y) => x - y);
    if (isStatic && asp[asp.length >> 1] < this.opts.minAspect) return null;
    return { rows: t.rows, static: isStatic };
  }

  /** End tracking: the accepted inclusions' rows, ids renumbered 1.. by first appearance. */
  finish(): InclusionRow[] {
    const kept = [...this.done];
    for (const t of this.active) {
      const e = this.judge(t);
      if (e) kept.push(e);
    }
    this.done = [];
    this.active = [];
    kept.sort((a, b) => a.rows[0].frame - b.rows[0].frame || a.rows[0].centroidVPx - b.rows[0].centroidVPx);
    const out: InclusionRow[] = [];
    kept.forEach((t, k) => {
      for (const r of t.rows) out.push({ ...r, inclusionId: k + 1, static: t.static });
    });
    return out;
  }
}
