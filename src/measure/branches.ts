/**
 * Branch tracks (issue 3, part 3): the linked branch ends of a run turned into branches of the
 * final dendrite tracks. Pure: rows in, branches out.
 *
 * A branch is kept when it is seen in at least `minPoints` frames and in at least `minDuty` of
 * the frames between its first and last sighting (ragged-edge bumps of a noisy mask come and go
 * from frame to frame and do not link into persistent tracks), and when the dendrite it belongs
 * to (the majority of its frames' leading tips) is one of the final tracks. With `requireGrowth`
 * (as for dendrites), it must also grow significantly (lower 95 % bound of its rate > 0) and by
 * at least `minGrowthPx` over its span: a static dark feature joined to a dendrite (dust, or the
 * electrode's edge left over by uncorrected stage drift) is not a branch.
 *
 * Length and rate: the branch's axis is the principal direction of its tip positions (from its
 * mean junction toward its tips; the junction → mean tip direction while the tips spread less
 * than 2 px), its length the tip's projection on that axis from the mean junction, and its rate
 * the regression of that length on true time. The per-frame junction (where the branch's path
 * meets the trunk's medial line) moves by a pixel or two as the trunk widens; the mean does not.
 */
import { trackKinematics, type TrackKinematics } from './trackKinematics.js';

export interface BranchRow {
  /** Linker id (renumbered in the output). */
  branchId: number;
  frame: number;
  tS: number;
  /** Tip and junction in image coordinates of the frame (drift included) [px]. */
  tipXPx: number;
  tipYPx: number;
  junctionXPx: number;
  junctionYPx: number;
  /** Straight length junction → tip [px]. */
  branchLengthPx: number;
  tipSigmaPx: number;
  refined: boolean;
  /** Raw (linker) id of the leading tip whose trunk this branch joined in this frame; 0 = none. */
  parentRawId: number;
}

export interface BranchTrack {
  id: number;
  /** The linker's id of its rows (before renumbering). */
  rawId: number;
  dendriteId: number;
  rows: BranchRow[];
  /** Null when too few points for a rate. */
  kinematics: TrackKinematics | null;
}

export interface BranchConsolidation {
  minPoints: number;
  minDuty: number;
  umPerPx: number;
  rateWindowPoints: number;
  requireGrowth: boolean;
  minGrowthPx: number;
}

export function consolidateBranches(rows: BranchRow[], dendriteOfRawId: ReadonlyMap<number, number>, o: BranchConsolidation): BranchTrack[] {
  const byId = new Map<number, BranchRow[]>();
  for (const r of rows) {
    if (!byId.has(r.branchId)) byId.set(r.branchId, []);
    byId.get(r.branchId)!.push({ ...r });
  }
  const kept: Array<{ dendriteId: number; rows: BranchRow[] }> = [];
  for (const rs of byId.values()) {
    rs.sort((a, b) => a.frame - b.frame);
    const span = rs[rs.length - 1].frame - rs[0].frame + 1;
    if (rs.length < o.minPoints || rs.length / span < o.minDuty) continue;
    const votes = new Map<number, number>();
    for (const r of rs) {
      const d = dendriteOfRawId.get(r.parentRawId);
      if (d !== undefined) votes.set(d, (votes.get(d) ?? 0) + 1);
    }
    if (!votes.size) continue;
    const dendriteId = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    kept.push({ dendriteId, rows: rs });
  }
  for (const k of kept) projectLengths(k.rows);
  kept.sort((a, b) => a.rows[0].frame - b.rows[0].frame || a.rows[0].tipXPx - b.rows[0].tipXPx || a.rows[0].tipYPx - b.rows[0].tipYPx);
  const withRates = kept.map((k) => ({
    ...k,
    kinematics: k.rows.length >= 3
      ? trackKinematics(k.rows.map((r) => r.tS), k.rows.map((r) => r.branchLengthPx * o.umPerPx), o.rateWindowPoints)
      : null,
  })).filter((k) => {
    if (!o.requireGrowth) return true;
    const kin = k.kinematics;
    return !!kin && kin.velocityCi95UmPerS[0] > 0 && (kin.velocityUmPerS * (kin.tEndS - kin.tStartS)) / o.umPerPx >= o.minGrowthPx;
  });
  return withRates.map((k, i) => ({ id: i + 1, rawId: k.rows[0].branchId, dendriteId: k.dendriteId, rows: k.rows.map((r) => ({ ...r, branchId: i + 1 })), kinematics: k.kinematics }));
}

/** Replace each row's branchLengthPx by the tip's projection on the branch's axis (see above). */
function projectLengths(rows: BranchRow[]): void {
  const n = rows.length;
  let jx = 0, jy = 0, mx = 0, my = 0;
  for (const r of rows) { jx += r.junctionXPx; jy += r.junctionYPx; mx += r.tipXPx; my += r.tipYPx; }
  jx /= n; jy /= n; mx /= n; my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (const r of rows) {
    const dx = r.tipXPx - mx, dy = r.tipYPx - my;
    sxx += dx * dx; sxy += dx * dy; syy += dy * dy;
  }
  let ex = mx - jx, ey = my - jy;
  if (Math.sqrt((sxx + syy) / n) >= 2) {
    // principal eigenvector of the 2×2 scatter matrix
    const th = 0.5 * Math.atan2(2 * sxy, sxx - syy);
    const px = Math.cos(th), py = Math.sin(th);
    const sgn = px * ex + py * ey >= 0 ? 1 : -1;
    ex = sgn * px; ey = sgn * py;
  }
  const norm = Math.hypot(ex, ey) || 1;
  ex /= norm; ey /= norm;
  for (const r of rows) r.branchLengthPx = (r.tipXPx - jx) * ex + (r.tipYPx - jy) * ey;
}

/** What a continuation test needs of a dendrite track's row (image coordinates, as in tracks.csv). */
export interface LeadRowLike {
  frame: number;
  tS: number;
  tipXPx: number;
  tipYPx: number;
  heightPx: number;
}

export interface ContinuationOptions {
  maxGapFrames: number;
  maxOverlapFrames: number;
  gatePx: number;
  gateFactor: number;
  /** A track starting nearer the interface than this is a dendrite of its own [px]. */
  minStartHeightPx: number;
}

/**
 * Dendrite tracks that are a kept branch grown on: a branch that outgrows the trunk beside it
 * becomes a maximum of the depth profile, so from then on it is found as a leading tip and the
 * linker starts a dendrite track for it. Such a track starts away from the interface, within the
 * linker's gap and gate of where a branch (a kept one: persistent and growing) was heading, and
 * after that branch's last frame (at most `maxOverlapFrames` in common). Two dendrites joined at
 * the base are not a branch of each other before one of them is tracked (Fig. 2 fixture), so
 * they are not taken.
 * @returns dendrite track id → the branch's linker id, for each such track
 */
export function branchContinuations(
  tracks: ReadonlyArray<{ id: number; rows: readonly LeadRowLike[] }>, branches: readonly BranchTrack[], o: ContinuationOptions,
): Map<number, number> {
  const out = new Map<number, number>();
  const taken = new Set<number>();
  for (const t of tracks) {
    const first = t.rows[0];
    if (!first || first.heightPx < o.minStartHeightPx) continue;
    let best: BranchTrack | null = null, bestD = Infinity;
    for (const b of branches) {
      if (taken.has(b.rawId) || b.dendriteId === t.id) continue;
      const tail = b.rows.filter((r) => r.frame < first.frame);
      if (!tail.length) continue;
      const last = tail[tail.length - 1];
      if (first.frame - last.frame > o.maxGapFrames + 1) continue;
      if (b.rows.length - tail.length > o.maxOverlapFrames) continue;
      // straight-line extrapolation of the branch's last points (least squares in t)
      const fit = tail.slice(-6);
      const n = fit.length;
      let mt = 0, mx = 0, my = 0;
      for (const r of fit) { mt += r.tS / n; mx += r.tipXPx / n; my += r.tipYPx / n; }
      let stt = 0, stx = 0, sty = 0;
      for (const r of fit) { stt += (r.tS - mt) ** 2; stx += (r.tS - mt) * (r.tipXPx - mx); sty += (r.tS - mt) * (r.tipYPx - my); }
      const vx = stt > 0 ? stx / stt : 0, vy = stt > 0 ? sty / stt : 0;
      const d = Math.hypot(first.tipXPx - (mx + vx * (first.tS - mt)), first.tipYPx - (my + vy * (first.tS - mt)));
      const gate = o.gatePx + o.gateFactor * Math.hypot(vx, vy) * (first.tS - last.tS);
      if (d <= gate && d < bestD) { bestD = d; best = b; }
    }
    if (best) {
      out.set(t.id, best.rawId);
      taken.add(best.rawId);
    }
  }
  return out;
}

/**
 * Where a side branch found as a leading tip (branchesFoundAsLeads) leaves the dendrite it grows
 * out of (canonical [px]): the point of that dendrite's tip path — its tips in the frames before
 * the branch's first — nearest the branch's first tip, since the dendrite's tip passed the
 * junction; null when none is within `maxPx`. (The crossing of the two straight growth axes lies
 * tens of px off on a curved trunk: on the 1500-frame bench video 60 px behind one branch's first
 * tip and 35 px ahead of another's, which then stayed a dendrite of its own.)
 */
export function branchJunction(
  branch: ReadonlyArray<{ frame: number; canonU: number; canonV: number }>,
  parent: ReadonlyArray<{ frame: number; canonU: number; canonV: number }>,
  maxPx: number,
): { u: number; v: number } | null {
  const f = branch[0];
  if (!f) return null;
  let best: { u: number; v: number } | null = null, bestD = maxPx;
  for (const r of parent) {
    if (r.frame >= f.frame) continue;
    const d = Math.hypot(r.canonU - f.canonU, r.canonV - f.canonV);
    if (d <= bestD) { bestD = d; best = { u: r.canonU, v: r.canonV }; }
  }
  return best;
}

/** What the sibling test needs of a dendrite track: its rows (with their region) and its axis' base. */
export interface SiblingTrack {
  id: number;
  rows: ReadonlyArray<{ frame: number; heightPx: number; regionLabel?: number }>;
  /** Where the track's growth axis meets the interface (canonical u) [px]. */
  baseU: number;
}

/**
 * Dendrite tracks that are side branches found as leading tips from their first frame (a branch
 * growing nearly along its trunk is a maximum of the depth profile at once). Such a track starts
 * away from the interface, inside the region of an older track's tip, and its own axis meets the
 * interface away from that track's base: it grows out of the other dendrite's side. Two dendrites
 * from one base (the Fig. 2 fixture: first found apart 17 µm from the interface, in one region)
 * have bases within `baseSeparationPx` and stay two dendrites.
 * @returns track id → id of the dendrite it branches from
 */
export function branchesFoundAsLeads(tracks: readonly SiblingTrack[], o: { minStartHeightPx: number; baseSeparationPx: number }): Map<number, number> {
  const out = new Map<number, number>();
  const byFrame = new Map<number, Array<{ id: number; label: number }>>();
  for (const t of tracks) {
    for (const r of t.rows) {
      if (r.regionLabel === undefined) continue;
      if (!byFrame.has(r.frame)) byFrame.set(r.frame, []);
      byFrame.get(r.frame)!.push({ id: t.id, label: r.regionLabel });
    }
  }
  const first = new Map(tracks.map((t) => [t.id, t.rows[0]?.frame ?? Infinity]));
  for (const t of tracks) {
    const f = t.rows[0];
    if (!f || f.regionLabel === undefined || f.heightPx < o.minStartHeightPx) continue;
    const mates = (byFrame.get(f.frame) ?? []).filter((m) => m.id !== t.id && m.label === f.regionLabel && first.get(m.id)! < f.frame);
    let parent: SiblingTrack | null = null;
    for (const m of mates) {
      const d = tracks.find((x) => x.id === m.id)!;
      if (Math.abs(d.baseU - t.baseU) <= o.baseSeparationPx) { parent = null; break; } // a sibling from one base
      if (!parent || first.get(d.id)! < first.get(parent.id)!) parent = d;
    }
    if (parent && !out.has(parent.id)) out.set(t.id, parent.id);
  }
  return out;
}
