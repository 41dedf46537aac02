/**
 * Dendrite tips in one segmented frame (canonical orientation, electrode on top).
 *
 * A dendrite is a dark region that touches the interface. Its tips are the prominent maxima of
 * its depth profile (findPeaks). Each tip is then refined to sub-pixel: across the growth axis
 * by the darkening-weighted centroid of the last rows, along it by fitting the ramp-edge model
 * (edgeFit.ts) to the darkening profile through the tip. With `apexModel` (the default) that
 * estimate only starts a fit of a 2-D model of the blurred crack tip to the darkening around it
 * (tipModelFit.ts), which gives the apex in both coordinates; the profile fit is the fallback
 * where the 2-D fit fails.
 */
import type { Reference } from '../segment/reference.js';
import type { CrackRegion, SegmentResult } from '../segment/segmenter.js';
import { branchTipsOfRegion, type BranchOptions } from './branchTips.js';
import { fitRampEdge } from './edgeFit.js';
import { findPeaks, type ProfilePeak } from './peaks.js';
import { fitTipModel, nearestPrior, TIP_MODEL_BEHIND_PX, type TipPrior, type TipShapeStart } from './tipModelFit.js';

export type { TipPrior } from './tipModelFit.js';

export interface TipOptions {
  /** A depth maximum is a separate tip when it stands this far above its saddle [px]. */
  minProminencePx: number;
  /** Regions shallower than this (from the interface) are not dendrites [px]. */
  minLengthPx: number;
  /** Profile samples behind / beyond the coarse tip used for the sub-pixel fit [px]. */
  profileBehindPx: number;
  profileAheadPx: number;
  /** Half-width of the band integrated across the crack for the profile [px]. */
  profileHalfWidthPx: number;
  /** Tip profile model: 'power' (width ∝ distance^γ, γ fitted; √ for an elastic crack) or 'ramp' (wedge). */
  tipModel: 'power' | 'ramp';
  /** Locate the apex with the 2-D tip model (tipModelFit.ts); the profile fit is its fallback. */
  apexModel: boolean;
  /** Also find branch ends (branchTips.ts), returned after the leading tips; null: not. */
  branches: BranchOptions | null;
}

export const DEFAULT_TIP_OPTIONS: TipOptions = { minProminencePx: 5, minLengthPx: 6, profileBehindPx: 16, profileAheadPx: 8, profileHalfWidthPx: 4, tipModel: (process.env.LIDTRACK_TIP_MODEL as 'ramp' | undefined) ?? 'power', apexModel: process.env.LIDTRACK_TIP_APEX_MODEL !== '0', branches: null };

/** A tip in canonical coordinates (u along the electrode, v into the crystal) [px]. */
export interface TipCandidate {
  u: number;
  v: number;
  /** Distance from the interface along the growth axis [px]. */
  lengthPx: number;
  /** 1-σ uncertainty of v [px]. */
  sigmaPx: number;
  regionLabel: number;
  areaPx: number;
  prominencePx: number;
  /** True when the sub-pixel fit was used (false: pixel-level fallback). */
  refined: boolean;
  /** The 2-D tip model's fitted shape (leading tips placed by it): a later frame's fit of this tip starts from it. */
  shape?: TipShapeStart;
  /** Set for a branch end: its junction with the trunk, straight length from it, and the leading tip (index among the frame's leading tips) whose trunk it joins. */
  branch?: { junctionU: number; junctionV: number; branchLengthPx: number; leadIndex: number };
}

/** Interface position at fractional column u (linear interpolation). */
export function interfaceAt(ref: Reference, u: number): number {
  const iv = ref.iface.vPx;
  const u0 = Math.max(0, Math.min(iv.length - 1, Math.floor(u)));
  const u1 = Math.min(iv.length - 1, u0 + 1);
  const f = Math.max(0, Math.min(1, u - u0));
  return iv[u0] * (1 - f) + iv[u1] * f;
}

function sampleRow(D: Float32Array, cw: number, v: number, u: number): number {
  const u0 = Math.max(0, Math.min(cw - 1, Math.floor(u)));
  const u1 = Math.min(cw - 1, u0 + 1);
  const f = Math.max(0, Math.min(1, u - u0));
  return D[v * cw + u0] * (1 - f) + D[v * cw + u1] * f;
}

/** The darkening profile along one tip's growth axis, with what the sub-pixel fit starts from. */
interface PeakProfile {
  pk: ProfilePeak;
  /** Deepest row of the peak (pixel level). */
  vTip: number;
  /** Transverse position of the axis at row v, and its slope du/dv. */
  uOf: (v: number) => number;
  uSlope: number;
  /** Half-width of the region TIP_MODEL_BEHIND_PX rows behind vTip [px]. */
  halfWidthBehind: number;
  vs: number[];
  ds: number[];
}

function peakProfiles(r: CrackRegion, seg: SegmentResult, ref: Reference, opts: TipOptions): PeakProfile[] {
  const { cw, ch } = ref.geom;
  const width = r.uMax - r.uMin + 1;
  const depth = new Float64Array(width);
  for (let k = 0; k < width; k++) depth[k] = r.extentV[k] < 0 ? NaN : r.extentV[k] - ref.iface.vPx[r.uMin + k];
  const peaks = findPeaks(depth, opts.minProminencePx);
  const out: PeakProfile[] = [];
  const D = seg.darkening, Db = seg.darkeningBlurred, labels = seg.labels;
  for (const pk of peaks) {
    if (pk.height < opts.minLengthPx) continue;
    // deepest row within the plateau and its columns
    let vTip = -1;
    for (let k = pk.start; k <= pk.end; k++) vTip = Math.max(vTip, r.extentV[k]);
    // Transverse position: darkening-weighted centroid of each of the last rows, restricted to
    // this peak's neighbourhood, with a straight line u(v) through them so a tilted dendrite's
    // tip is extrapolated along its own direction.
    const uLo = r.uMin + Math.max(0, pk.start - 6), uHi = r.uMin + Math.min(width - 1, pk.end + 6);
    const rowsV: number[] = [], rowsU: number[] = [], rowsW: number[] = [];
    for (let v = Math.max(0, vTip - 8); v <= vTip; v++) {
      let sw = 0, su = 0;
      for (let u = uLo; u <= uHi; u++) {
        const i = v * cw + u;
        if (labels[i] !== r.label) continue;
        const w = Math.max(0, Db[i]);
        sw += w;
        su += w * u;
      }
      if (sw > 0) { rowsV.push(v); rowsU.push(su / sw); rowsW.push(sw); }
    }
    let uSlope = 0, uAt = r.uMin + (pk.start + pk.end) / 2, vRefRow = vTip;
    if (rowsV.length) {
      let sw = 0, sv = 0, su = 0;
      for (let k = 0; k < rowsV.length; k++) { sw += rowsW[k]; sv += rowsW[k] * rowsV[k]; su += rowsW[k] * rowsU[k]; }
      const mv = sv / sw, mu = su / sw;
      let svv = 0, svu = 0;
      for (let k = 0; k < rowsV.length; k++) { svv += rowsW[k] * (rowsV[k] - mv) ** 2; svu += rowsW[k] * (rowsV[k] - mv) * (rowsU[k] - mu); }
      uSlope = rowsV.length >= 4 && svv > 0 ? Math.max(-1.5, Math.min(1.5, svu / svv)) : 0;
      uAt = mu;
      vRefRow = mv;
    }
    const uOf = (v: number) => uAt + uSlope * (v - vRefRow);
    // Profile along v: darkening integrated across the crack (uc ± halfWin columns), which
    // removes the transverse blur: for a tapering crack it is contrast × local width, a ramp.
    const halfWin = opts.profileHalfWidthPx;
    // Only the distal part of the crack enters the fit (at most profileBehindPx, and not the
    // proximal ~half of a short crack): a leaf narrows again toward its base, which a profile
    // model of a tip cannot follow.
    const vIf = interfaceAt(ref, uOf(vTip));
    const distal = Math.floor(vIf + 0.5 * (vTip - vIf));
    const v0 = Math.max(0, vTip - opts.profileBehindPx, Math.min(distal, vTip - 6)), v1 = Math.min(ch - 1, vTip + opts.profileAheadPx);
    const vs: number[] = [], ds: number[] = [];
    for (let v = v0; v <= v1; v++) {
      if (v <= interfaceAt(ref, uOf(v)) + 1) continue;
      let acc = 0;
      const uv = uOf(v);
      for (let k = -halfWin; k <= halfWin; k++) acc += sampleRow(D, cw, v, uv + k);
      vs.push(v);
      ds.push(acc);
    }
    // width of the region TIP_MODEL_BEHIND_PX rows behind the tip, around the axis
    let halfWidthBehind = 0;
    {
      const vb = Math.max(0, vTip - TIP_MODEL_BEHIND_PX), ub = Math.round(uOf(vb));
      let a = ub, b = ub;
      while (a - 1 >= 0 && ub - a < 30 && labels[vb * cw + a - 1] === r.label) a--;
      while (b + 1 < cw && b - ub < 30 && labels[vb * cw + b + 1] === r.label) b++;
      halfWidthBehind = labels[vb * cw + ub] === r.label ? 0.5 * (b - a + 1) : 1;
    }
    out.push({ pk, vTip, uOf, uSlope, halfWidthBehind, vs, ds });
  }
  return out;
}

/** The arguments of one tip's sub-pixel fit: fitRampEdge(vs, ds, tipGuess, contrastGuess, noiseSigma, shape). */
export interface TipFitInput {
  vs: number[];
  ds: number[];
  tipGuess: number;
  contrastGuess: number;
  noiseSigma: number;
  shape: 'power' | 'ramp';
}

/** A profile with fewer samples is not fitted (pixel-level fallback). */
const MIN_FIT_SAMPLES = 8;

function fitInput(pp: PeakProfile, seg: SegmentResult, noiseSigmaRel: number, opts: TipOptions): TipFitInput {
  const { vs, ds, vTip } = pp;
  let cGuess = 0, nc = 0;
  for (let i = 0; i < vs.length; i++) if (vs[i] <= vTip - 2) { cGuess += ds[i]; nc++; }
  cGuess = nc ? cGuess / nc : seg.thresholdRel * 2;
  const noise = noiseSigmaRel * Math.sqrt(2 * opts.profileHalfWidthPx + 1);
  return { vs, ds, tipGuess: vTip + 0.5, contrastGuess: cGuess, noiseSigma: noise, shape: opts.tipModel };
}

/**
 * The sub-pixel fits findTips would run on this frame, without running them (for benchmarks and
 * regression tests of the fit on real profiles).
 */
export function tipFitInputs(seg: SegmentResult, ref: Reference, noiseSigmaRel: number, opts: TipOptions = DEFAULT_TIP_OPTIONS): TipFitInput[] {
  const out: TipFitInput[] = [];
  for (const r of seg.regions) {
    if (!r.touchesInterface) continue;
    for (const pp of peakProfiles(r, seg, ref, opts)) if (pp.vs.length >= MIN_FIT_SAMPLES) out.push(fitInput(pp, seg, noiseSigmaRel, opts));
  }
  return out;
}

export function tipsOfRegion(
  r: CrackRegion, seg: SegmentResult, ref: Reference, noiseSigmaRel: number, opts: TipOptions, prior: readonly TipPrior[] = [],
): TipCandidate[] {
  const out: TipCandidate[] = [];
  for (const pp of peakProfiles(r, seg, ref, opts)) {
    const { pk } = pp;
    const tip = (opts.apexModel ? apexOf(pp, r, seg, ref, noiseSigmaRel, prior) : null) ?? profileTip(pp, seg, noiseSigmaRel, opts);
    out.push({
      u: tip.u, v: tip.v, lengthPx: tip.v - interfaceAt(ref, tip.u), sigmaPx: tip.sigma,
      regionLabel: r.label, areaPx: r.areaPx, prominencePx: pk.prominence, refined: tip.refined,
      ...(tip.shape ? { shape: tip.shape } : {}),
    });
  }
  return out;
}

interface TipEstimate { u: number; v: number; sigma: number; refined: boolean; shape?: TipShapeStart }

/** The priors of a frame's tips (those the 2-D model placed, leading tips and branch ends). */
export function tipPriors(tips: readonly TipCandidate[]): TipPrior[] {
  const out: TipPrior[] = [];
  for (const t of tips) if (t.shape) out.push({ u: t.u, v: t.v, angleRad: t.shape.angleRad, a: t.shape.a, q: t.shape.q, psfSigmaPx: t.shape.psfSigmaPx });
  return out;
}

/** Largest apex σ along the axis [px] for which the 2-D fit is used. */
const APEX_MAX_SIGMA_PX = 2;

/** The coarse tip lags the apex by a pixel or two; beyond this a prior apex ahead of it places the 2-D fit's window [px]. */
const LAG_MAX_PX = 3;
/** How far ahead of the coarse tip, and how far across its axis, a prior apex is still this tip's [px]. */
const PRIOR_AHEAD_PX = 16;
const PRIOR_ACROSS_PX = 3;

/** A prior apex ahead of the coarse tip along its axis (within PRIOR_AHEAD_PX, PRIOR_ACROSS_PX across): the nearest. */
function priorAhead(prior: readonly TipPrior[], pp: PeakProfile, v0: number): TipPrior | undefined {
  let best: TipPrior | undefined;
  for (const t of prior) {
    const d = t.v - v0;
    if (d <= 0 || d > PRIOR_AHEAD_PX || Math.abs(t.u - pp.uOf(t.v)) > PRIOR_ACROSS_PX) continue;
    if (!best || d < best.v - v0) best = t;
  }
  return best;
}

/** The apex from the 2-D tip model (tipModelFit.ts), or null when that fit is not usable. */
function apexOf(pp: PeakProfile, r: CrackRegion, seg: SegmentResult, ref: Reference, noiseSigmaRel: number, prior: readonly TipPrior[]): TipEstimate | null {
  const { cw, ch } = ref.geom;
  const iv = ref.iface.vPx;
  const v0 = pp.vTip + 0.5;
  // the fit starts from this tip's shape a frame earlier, and from its apex then if the model
  // fits better there than at the coarse tip (a tip advances a fraction of a pixel per frame; the
  // coarse tip, where the darkening crosses the threshold, lags the apex by a pixel or two)
  // (a prior is both: its shape and its apex)
  const pr = nearestPrior(prior, pp.uOf(v0), v0) ?? priorAhead(prior, pp, v0);
  // a tip does not retract: when its apex a frame earlier lies ahead of the coarse tip by more than
  // the coarse tip's usual lag, the segmentation stopped short of a faint tip and the window is
  // placed around that apex instead
  const ahead = pr !== undefined && pr.v - v0 > LAG_MAX_PX;
  const u0 = ahead ? pr.u : pp.uOf(v0), vc = ahead ? pr.v : v0;
  const fit = fitTipModel({
    D: seg.darkening, cw, ch, u: u0, v: vc, angleRad: Math.atan(pp.uSlope), halfWidthPx: pp.halfWidthBehind,
    labels: seg.labels, label: r.label, noiseSigma: noiseSigmaRel,
    // the electrode and the first rows of crystal below it (interface roughness) are not the tip
    excluded: (u, v) => v <= iv[u] + 2,
    // (every call of fitTipModel passes its input with the same keys in the same order: one hidden class)
    start: pr, startApex: pr,
  });
  // an apex the window does not determine (σ beyond the pixel scale) is left to the profile fit
  if (!fit || !(fit.contrast > seg.thresholdRel * 0.5) || !(fit.sigmaAlongPx <= APEX_MAX_SIGMA_PX)) return null;
  return { u: fit.u, v: fit.v, sigma: fit.sigmaAlongPx, refined: true, shape: fit.shape };
}

/** The tip from the darkening profile along the axis (edgeFit.ts), with its pixel-level fallback. */
function profileTip(pp: PeakProfile, seg: SegmentResult, noiseSigmaRel: number, opts: TipOptions): TipEstimate {
  const { vTip, uOf, vs, ds } = pp;
  // Fallback when the model fit is not usable: where the integrated profile falls to half
  // of its level behind the tip (linear interpolation), ±1 px.
  let vFit = vTip + 0.5, sigma = 1, refined = false;
  {
    let lvl = 0, nl = 0;
    for (let i = 0; i < vs.length; i++) if (vs[i] <= vTip - 2) { lvl += ds[i]; nl++; }
    if (nl) {
      const half = (0.5 * lvl) / nl;
      for (let i = vs.length - 1; i > 0; i--) {
        if (ds[i - 1] >= half && ds[i] < half) {
          vFit = vs[i - 1] + (ds[i - 1] - half) / (ds[i - 1] - ds[i]);
          break;
        }
      }
    }
  }
  if (vs.length >= MIN_FIT_SAMPLES) {
    const f = fitInput(pp, seg, noiseSigmaRel, opts);
    const fit = fitRampEdge(f.vs, f.ds, f.tipGuess, f.contrastGuess, f.noiseSigma, f.shape);
    if (Math.abs(fit.tipV - (vTip + 0.5)) < 6 && fit.contrast > seg.thresholdRel * 0.5 && Number.isFinite(fit.tipSigma)) {
      vFit = fit.tipV;
      sigma = fit.tipSigma;
      refined = true;
    }
  }
  return { u: uOf(vFit), v: vFit, sigma, refined };
}

/**
 * Which dendrites findTips looks for branch ends in (with `opts.branches`): all of them, or only
 * those with a branch end of an earlier frame (`near`: flat canonical (u, v) pairs [px]) within
 * BRANCH_NEAR_PX of their box. The search (geodesic distances over the whole crack: branchTips.ts)
 * costs about as much in a dendrite without branches as in one with them, and most dendrites in
 * most frames have none; runTrack searches all of them on a few frames of every cycle and, in
 * between, those that had a branch in the last frames (branchSearchFor).
 */
export interface BranchSearch {
  all: boolean;
  near: ArrayLike<number>;
}

/** A branch end of an earlier frame this close to a dendrite's box has that dendrite searched [px] (a branch end moves a few px in a few frames). */
const BRANCH_NEAR_PX = 12;

/** The branch ends among `tips` as flat (u, v) pairs (BranchSearch.near). */
export function branchEnds(tips: readonly TipCandidate[]): number[] {
  const out: number[] = [];
  for (const t of tips) if (t.branch) out.push(t.u, t.v);
  return out;
}

/**
 * A dendrite stays searched while a branch end was found in it in any of the last this many
 * frames (ordinal − 1 … ordinal − BRANCH_STICKY_FRAMES): the search misses a branch end in a frame
 * here and there (its thin end fades below the threshold), and one such frame must not leave the
 * dendrite unsearched until the next frame that searches all (the branching accuracy scenario
 * lost a whole branch that way).
 */
export const BRANCH_STICKY_FRAMES = 4;

/** The branch ends of one processed frame (its place in the run and BranchSearch.near pairs). */
export interface FrameBranchEnds {
  ordinal: number;
  ends: number[];
}

/**
 * The branch search of frame `ordinal`: all dendrites on one frame of every `everyFrames` (1:
 * every frame); on the others those near a branch end of frames ordinal − 1 …
 * ordinal − BRANCH_STICKY_FRAMES among `recent` (TipHistory: a branch found on one frame is
 * followed on every frame after it). A new branch in a dendrite without one is found within
 * everyFrames − 1 frames of its start.
 */
export function branchSearchFor(ordinal: number, everyFrames: number, recent: readonly FrameBranchEnds[]): BranchSearch {
  const all = everyFrames <= 1 || ordinal % everyFrames === 0;
  const near: number[] = [];
  if (!all) for (const f of recent) if (f.ordinal < ordinal && f.ordinal >= ordinal - BRANCH_STICKY_FRAMES) near.push(...f.ends);
  return { all, near };
}

function nearBranch(r: CrackRegion, near: ArrayLike<number>): boolean {
  const m = BRANCH_NEAR_PX;
  for (let k = 0; k + 1 < near.length; k += 2) {
    const u = near[k], v = near[k + 1];
    if (u >= r.uMin - m && u <= r.uMax + m && v >= r.vMin - m && v <= r.vMax + m) return true;
  }
  return false;
}

/**
 * All dendrite tips of a segmented frame: the leading tips ordered by u, then (with
 * `opts.branches`) the branch ends ordered by u, each naming its leading tip. `prior`: the tips
 * of an earlier frame (TipHistory: the previous one), whose fitted shapes start the 2-D fits of the
 * tips near them — a tracked tip's shape changes little from frame to frame, so its fit
 * converges in fewer steps than from the generic start. `branchSearch`: which dendrites branch
 * ends are looked for in (default: all).
 */
export function findTips(
  seg: SegmentResult, ref: Reference, noiseSigmaRel: number, opts: TipOptions = DEFAULT_TIP_OPTIONS, prior: readonly TipPrior[] = [],
  branchSearch: BranchSearch = { all: true, near: [] },
): TipCandidate[] {
  const leads: TipCandidate[] = [];
  const branches: TipCandidate[] = [];
  const leadOfBranch = new Map<TipCandidate, TipCandidate>();
  for (const r of seg.regions) {
    if (!r.touchesInterface) continue;
    const ts = tipsOfRegion(r, seg, ref, noiseSigmaRel, opts, prior);
    leads.push(...ts);
    if (!opts.branches || !ts.length || (!branchSearch.all && !nearBranch(r, branchSearch.near))) continue;
    for (const b of branchTipsOfRegion(r, seg, ref, ts, noiseSigmaRel, opts.branches, prior)) {
      const c: TipCandidate = {
        u: b.u, v: b.v, lengthPx: b.v - interfaceAt(ref, b.u), sigmaPx: b.sigmaPx, regionLabel: r.label, areaPx: r.areaPx,
        prominencePx: b.branchLengthPx, refined: b.refined, ...(b.shape ? { shape: b.shape } : {}),
        branch: { junctionU: b.junctionU, junctionV: b.junctionV, branchLengthPx: b.branchLengthPx, leadIndex: -1 },
      };
      leadOfBranch.set(c, ts[b.leadIndex]);
      branches.push(c);
    }
  }
  leads.sort((a, b) => a.u - b.u);
  if (!branches.length) return leads;
  branches.sort((a, b) => a.u - b.u || a.v - b.v);
  for (const c of branches) c.branch!.leadIndex = leads.indexOf(leadOfBranch.get(c)!);
  return [...leads, ...branches];
}
