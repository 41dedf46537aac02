/**
 * Branch tips of a dendrite (issue 3, part 3): the ends of side branches, apart from the leading
 * tips that findTips finds as maxima of the depth profile.
 *
 * Why not the depth profile: a branch leaving the trunk at 30–40° ends below the trunk's own
 * depth in the same columns, so it is a shoulder of the profile, not a maximum. Its end is an
 * extremity of the crack's shape, which geodesic distances inside the region find:
 *
 * 1. the trunk is a shortest path (inside the region) from each leading tip back to the
 *    interface, along the medial ridge (the middle of a wide leaf);
 * 2. the geodesic distance from the trunk is propagated through the region; the farthest pixel
 *    is a branch end when it reaches beyond the trunk's local half-width by at least
 *    `minLengthPx` (a bump on a wide leaf's ragged edge does not: its distance from the trunk is
 *    about the leaf's half-width);
 * 3. its path back to the trunk joins the trunk, and step 2 repeats.
 *
 * Distances are chamfer 3-4 (integer, ÷3 = px within 8 % of Euclidean), propagated by a bucket
 * queue, so each pass is linear in the region's area. Each branch's apex is the pixel of its
 * own part (outside the trunk's body) farthest from the junction; it is placed to sub-pixel by
 * the same 2-D tip model as the leading tips (tipModelFit.ts), along the branch's own direction.
 * Where that fit is not usable, the apex pixel is kept (unrefined, σ = the branch's half-width:
 * the thin end fades below the threshold before the true apex).
 */
import type { Reference } from '../segment/reference.js';
import type { CrackRegion, SegmentResult } from '../segment/segmenter.js';
import { fitTipModel, nearestPrior, type TipPrior, type TipShapeStart } from './tipModelFit.js';

export interface BranchOptions {
  /** A branch must reach this far beyond the trunk's half-width [px]. */
  minLengthPx: number;
  /** At most this many branches per region. */
  maxPerRegion: number;
}

export const DEFAULT_BRANCH_OPTIONS: BranchOptions = { minLengthPx: 4, maxPerRegion: 8 };

/** One branch end in canonical coordinates [px]. */
export interface BranchTip {
  u: number;
  v: number;
  /** Where the branch leaves the trunk (the trunk pixel its path joins). */
  junctionU: number;
  junctionV: number;
  /** Straight distance junction → tip [px]. */
  branchLengthPx: number;
  /** 1-σ of the tip along the branch [px]. */
  sigmaPx: number;
  refined: boolean;
  /** Index (into `leads`) of the leading tip whose trunk the branch joins. */
  leadIndex: number;
  /** The 2-D model's fitted shape (angle in canonical coordinates), when it placed the tip. */
  shape?: TipShapeStart;
}

/** Chamfer weights (3 ≈ 1 px, 4 ≈ √2 px). */
const W_AXIAL = 3, W_DIAG = 4, CHAMFER_UNIT = 3;
const INF = 0x3fffffff;
/** Largest apex σ along the branch for which the 2-D fit is used [px] (as for leading tips). */
const MAX_SIGMA_PX = 2;
/** Branch ends are not looked for this close to the interface [px]. */
const NEAR_INTERFACE_PX = 4;

/** Region pixels of the box [uMin−1, uMax+1] × [vMin−1, vMax+1] (one pixel of margin = background). */
interface Box {
  u0: number;
  v0: number;
  w: number;
  h: number;
  /** 1 at the region's pixels, 0 elsewhere in the box (a Scratch array: longer than w·h). */
  inR: Uint8Array;
  /** The region's pixels (box indices, ascending). */
  pix: Int32Array;
}

/**
 * Per-pixel arrays of the box, kept between calls (a long tilted crack's box is mostly
 * background: allocating and clearing box-sized arrays per region and frame cost more than the
 * analysis). Invariant between calls: `inR`, `dt` and `trunkNear` are 0 everywhere (they are read
 * at background pixels); the others are written at the region's pixels before they are read there.
 */
class Scratch {
  size = 0;
  inR = new Uint8Array(0);
  dt = new Int32Array(0);
  trunkNear = new Uint8Array(0);
  nearInterface = new Uint8Array(0);
  dBase = new Int32Array(0);
  hwAt = new Int32Array(0);
  leadOf = new Int32Array(0);
  dTrunk = new Int32Array(0);
  src = new Int32Array(0);
  baseSrc = new Int32Array(0);
  /** Per region pixel (in `pix` order, not box order): its depth below the interface [px]. */
  private depthK = new Float64Array(0);
  depthFor(nPix: number): Float64Array {
    if (nPix > this.depthK.length) this.depthK = new Float64Array(Math.max(nPix, Math.ceil(this.depthK.length * 1.5)));
    return this.depthK;
  }
  ensure(n: number): this {
    if (n <= this.size) return this;
    const m = Math.max(n, Math.ceil(this.size * 1.5));
    this.size = m;
    this.inR = new Uint8Array(m);
    this.dt = new Int32Array(m);
    this.trunkNear = new Uint8Array(m);
    this.nearInterface = new Uint8Array(m);
    this.dBase = new Int32Array(m);
    this.hwAt = new Int32Array(m);
    this.leadOf = new Int32Array(m);
    this.dTrunk = new Int32Array(m);
    this.src = new Int32Array(m);
    this.baseSrc = new Int32Array(m);
    return this;
  }
  /** Restore the invariant after a region (its pixels are the only ones written). */
  clear(pix: Int32Array): void {
    const { inR, dt, trunkNear } = this;
    for (let k = 0; k < pix.length; k++) { const i = pix[k]; inR[i] = 0; dt[i] = 0; trunkNear[i] = 0; }
  }
}
const scratch = new Scratch();

function regionBox(r: CrackRegion, seg: SegmentResult, cw: number): Box {
  const u0 = r.uMin - 1, v0 = r.vMin - 1, w = r.uMax - r.uMin + 3, h = r.vMax - r.vMin + 3;
  const inR = scratch.ensure(w * h).inR;
  const pix = new Int32Array(r.areaPx);
  const labels = seg.labels;
  let np = 0;
  const spans = seg.labelSpans && spansByLabel(seg.labelSpans, labels, cw).get(r.label);
  if (spans) {
    // from the region's runs (raster order, so the box indices come ascending): a long tilted
    // crack's box is mostly background, which a scan of the box would read
    const all = seg.labelSpans!;
    for (let k = 0; k < spans.length; k++) {
      const q = spans[k], y = all[q] - v0;
      for (let i = y * w + all[q + 1] - u0, e = y * w + all[q + 2] - u0; i < e; i++) {
        inR[i] = 1;
        if (np < pix.length) pix[np] = i;
        np++;
      }
    }
  } else {
    for (let y = 1; y < h - 1; y++) {
      const row = (v0 + y) * cw + u0;
      for (let x = 1; x < w - 1; x++) {
        if (labels[row + x] === r.label) {
          inR[y * w + x] = 1;
          if (np < pix.length) pix[np] = y * w + x;
          np++;
        }
      }
    }
  }
  // (areaPx counts the region's pixels, so np equals it; a shorter list is a safe fallback)
  return { u0, v0, w, h, inR, pix: np === pix.length ? pix : Int32Array.from({ length: w * h }, (_, i) => i).filter((i) => inR[i] === 1) };
}

/** Per label, the offsets (into `spans`) of its runs; computed once per frame's spans. */
let spansGrouped: { spans: Int32Array; byLabel: Map<number, number[]> } | null = null;
function spansByLabel(spans: Int32Array, labels: Int32Array, cw: number): Map<number, number[]> {
  if (spansGrouped?.spans === spans) return spansGrouped.byLabel;
  const byLabel = new Map<number, number[]>();
  for (let q = 0; q < spans.length; q += 3) {
    const g = labels[spans[q] * cw + spans[q + 1]];
    let list = byLabel.get(g);
    if (!list) byLabel.set(g, (list = []));
    list.push(q);
  }
  spansGrouped = { spans, byLabel };
  return byLabel;
}

/**
 * Geodesic chamfer distance inside the region from `seeds` (distance 0), lowering `dist` where a
 * shorter path exists (so it also extends an earlier propagation by new seeds); `src` gets each
 * pixel's nearest seed. Dial's bucket queue: edge weights 3 and 4 < 5 buckets, so a bucket holds
 * one distance at a time, and a pixel is pushed at most once per distance (each push lowers its
 * distance): a bucket never holds more than the region's pixels and the seeds. The buckets are
 * stacks in one array (bucketStacks), their lengths in locals.
 */
function propagate(b: Box, seeds: number[], dist: Int32Array, src: Int32Array): void {
  const { w, inR } = b;
  const cap = b.pix.length + seeds.length;
  if (5 * cap > bucketStacks.length) bucketStacks = new Int32Array(Math.max(5 * cap, Math.ceil(bucketStacks.length * 1.5)));
  const st = bucketStacks;
  // lengths of the buckets of distance d, d + 1, …, d + 4 (bucket of distance x: (x mod 5)·cap)
  let l0 = 0, l1 = 0, l2 = 0, l3 = 0, l4 = 0;
  for (let k = 0; k < seeds.length; k++) {
    const s = seeds[k];
    dist[s] = 0;
    src[s] = s;
    st[l0++] = s;
  }
  let pending = l0;
  // the 8 neighbours, in a fixed order (ties of `src` are decided by the order of the pushes)
  for (let d = 0; pending > 0; d++) {
    const base = (d % 5) * cap, b3 = ((d + 3) % 5) * cap, b4 = ((d + 4) % 5) * cap;
    const n3 = d + W_AXIAL, n4 = d + W_DIAG;
    while (l0 > 0) {
      const p = st[base + --l0];
      pending--;
      if (dist[p] !== d) continue;
      const sp = src[p];
      // (the box's margin is background, so q stays inside the box)
      let q = p - 1;
      if (inR[q] && n3 < dist[q]) { dist[q] = n3; src[q] = sp; st[b3 + l3++] = q; pending++; }
      q = p + 1;
      if (inR[q] && n3 < dist[q]) { dist[q] = n3; src[q] = sp; st[b3 + l3++] = q; pending++; }
      q = p - w;
      if (inR[q] && n3 < dist[q]) { dist[q] = n3; src[q] = sp; st[b3 + l3++] = q; pending++; }
      q = p + w;
      if (inR[q] && n3 < dist[q]) { dist[q] = n3; src[q] = sp; st[b3 + l3++] = q; pending++; }
      q = p - w - 1;
      if (inR[q] && n4 < dist[q]) { dist[q] = n4; src[q] = sp; st[b4 + l4++] = q; pending++; }
      q = p - w + 1;
      if (inR[q] && n4 < dist[q]) { dist[q] = n4; src[q] = sp; st[b4 + l4++] = q; pending++; }
      q = p + w - 1;
      if (inR[q] && n4 < dist[q]) { dist[q] = n4; src[q] = sp; st[b4 + l4++] = q; pending++; }
      q = p + w + 1;
      if (inR[q] && n4 < dist[q]) { dist[q] = n4; src[q] = sp; st[b4 + l4++] = q; pending++; }
    }
    // bucket d is empty; the next distance's is the one of d + 1
    l0 = l1; l1 = l2; l2 = l3; l3 = l4; l4 = 0;
  }
}

/** The bucket stacks of propagate (5 × its capacity), kept between calls. */
let bucketStacks = new Int32Array(5 * 1024);

/**
 * Chamfer distance of each region pixel to the nearest background pixel: the two raster passes
 * (forward, then backward) visiting only the region's pixels, in raster order — background cells
 * are 0 and never change, so it is the full-box transform.
 */
function distanceToEdge(b: Box): Int32Array {
  const { w, pix } = b;
  const dt = scratch.dt; // (0 at the background: Scratch's invariant)
  // forward: the neighbours read are earlier in raster order (done) or background (0), so no
  // infinite start value is needed
  for (let k = 0; k < pix.length; k++) {
    const i = pix[k];
    dt[i] = Math.min(dt[i - 1] + W_AXIAL, dt[i - w] + W_AXIAL, dt[i - w - 1] + W_DIAG, dt[i - w + 1] + W_DIAG);
  }
  for (let k = pix.length - 1; k >= 0; k--) {
    const i = pix[k];
    dt[i] = Math.min(dt[i], dt[i + 1] + W_AXIAL, dt[i + w] + W_AXIAL, dt[i + w + 1] + W_DIAG, dt[i + w - 1] + W_DIAG);
  }
  return dt;
}

/**
 * A path down `dist` from p to a pixel of distance 0 (p first) along the crack's medial ridge:
 * of the neighbours nearer the seeds, the one farthest from the region's edge (`dt`), so the
 * trunk runs along the middle of a wide leaf rather than hugging one side (chamfer distances
 * have many equally short paths).
 */
function descend(b: Box, dist: Int32Array, dt: Int32Array, p: number): number[] {
  const w = b.w;
  const offs = [-1, 1, -w, w, -w - 1, -w + 1, w - 1, w + 1];
  const path = [p];
  while (dist[p] > 0) {
    let best = -1;
    for (const o of offs) {
      const q = p + o;
      if (!b.inR[q] || dist[q] >= dist[p]) continue;
      if (best < 0 || dt[q] > dt[best] || (dt[q] === dt[best] && dist[q] < dist[best])) best = q;
    }
    if (best < 0) break; // cannot happen for a propagated distance; guard anyway
    p = best;
    path.push(p);
  }
  return path;
}

/**
 * The branch ends of one dendrite region, given its leading tips (canonical, from tipsOfRegion).
 * Deterministic: ties are broken by pixel order.
 */
export function branchTipsOfRegion(
  r: CrackRegion, seg: SegmentResult, ref: Reference, leads: ReadonlyArray<{ u: number; v: number }>, noiseSigmaRel: number,
  opts: BranchOptions = DEFAULT_BRANCH_OPTIONS, prior: readonly TipPrior[] = [],
): BranchTip[] {
  if (!leads.length || opts.maxPerRegion <= 0) return [];
  const b = regionBox(r, seg, ref.geom.cw);
  try {
    return branchTipsInBox(b, r, seg, ref, leads, noiseSigmaRel, opts, prior);
  } finally {
    scratch.clear(b.pix);
  }
}

function branchTipsInBox(
  b: Box, r: CrackRegion, seg: SegmentResult, ref: Reference, leads: ReadonlyArray<{ u: number; v: number }>, noiseSigmaRel: number,
  opts: BranchOptions, prior: readonly TipPrior[],
): BranchTip[] {
  const { cw, ch } = ref.geom;
  const iv = ref.iface.vPx;
  const { u0, v0, w, h, inR, pix } = b;

  // 1. distance from the interface (seeds: the region's pixels within 2 px of its shallowest depth)
  // each pixel's depth below the interface, in pixel order
  const depth = scratch.depthFor(pix.length);
  let minDepth = Infinity;
  for (let k = 0, y = 0, rowEnd = -1; k < pix.length; k++) {
    const i = pix[k];
    if (i >= rowEnd) { y = Math.floor(i / w); rowEnd = (y + 1) * w; }
    const dk = v0 + y - iv[u0 + i - y * w];
    depth[k] = dk;
    minDepth = Math.min(minDepth, dk);
  }
  // one pass over the region's pixels starts every per-pixel array of steps 1–3
  const dBase = scratch.dBase, baseSrc = scratch.baseSrc; // (which base pixel is nearest: not needed)
  /** Per trunk pixel: the trunk's half-width there (chamfer units; max over a stretch of its path), and its leading tip. */
  const hwAt = scratch.hwAt, leadOf = scratch.leadOf;
  const nearInterface = scratch.nearInterface, dTrunk = scratch.dTrunk, src = scratch.src;
  const base: number[] = [];
  for (let k = 0; k < pix.length; k++) {
    const i = pix[k], dk = depth[k];
    if (dk <= minDepth + 2) base.push(i);
    dBase[i] = INF;
    hwAt[i] = 0;
    leadOf[i] = -1;
    nearInterface[i] = dk < NEAR_INTERFACE_PX ? 1 : 0;
    dTrunk[i] = INF;
    src[i] = -1;
  }
  propagate(b, base, dBase, baseSrc);

  // the trunk: each leading tip's path back to the interface
  const dt = distanceToEdge(b);
  const trunk: number[] = [];
  const addPath = (path: number[], lead: number) => {
    for (let k = 0; k < path.length; k++) {
      const p = path[k];
      // the half-width of a stretch of ± (local half-width + 2 px) along the path: a branch is
      // measured from the trunk's edge, not from a narrow spot of it
      const reach = Math.ceil(dt[p] / CHAMFER_UNIT) + 2;
      let hw = 0;
      for (let j = Math.max(0, k - reach); j <= Math.min(path.length - 1, k + reach); j++) hw = Math.max(hw, dt[path[j]]);
      if (leadOf[p] < 0) {
        hwAt[p] = hw;
        leadOf[p] = lead;
        trunk.push(p);
      }
    }
  };
  leads.forEach((t, li) => {
    // the region pixel nearest the tip (within 4 px), farthest from the interface on ties
    const cu = Math.round(t.u) - u0, cv = Math.round(t.v) - v0;
    let best = -1, bestD2 = Infinity;
    for (let y = Math.max(1, cv - 4); y <= Math.min(h - 2, cv + 4); y++) {
      for (let x = Math.max(1, cu - 4); x <= Math.min(w - 2, cu + 4); x++) {
        const i = y * w + x;
        if (!inR[i] || dBase[i] >= INF) continue;
        const d2 = (x - cu) ** 2 + (y - cv) ** 2;
        if (d2 < bestD2 || (d2 === bestD2 && dBase[i] > dBase[best])) { best = i; bestD2 = d2; }
      }
    }
    if (best >= 0) addPath(descend(b, dBase, dt, best), li);
  });
  if (!trunk.length) return [];

  // 2–3. the farthest pixel from the trunk, beyond its half-width, repeatedly; not along the
  // interface (the electrode's roughness is not a branch)
  propagate(b, trunk, dTrunk, src);
  const minLen = opts.minLengthPx * CHAMFER_UNIT;
  const farthest = (): number => {
    let best = -1, bestScore = minLen - 1;
    for (let k = 0; k < pix.length; k++) {
      const i = pix[k];
      if (dTrunk[i] >= INF || nearInterface[i]) continue;
      const s = dTrunk[i] - hwAt[src[i]];
      if (s > bestScore) { bestScore = s; best = i; }
    }
    return best;
  };
  let best = farthest();
  if (best < 0) return []; // most regions in most frames: no branch, nothing more to compute
  // the trunk's body (within its half-width of the trunk): not fitted as a branch's tip (leaving
  // out 1–2 px more around it made the branch fixtures' RMSE 1.4–2.3 px instead of 0.64–1.0: too few
  // pixels were left for the fit, which then fell back to the extremal pixel)
  const trunkNear = scratch.trunkNear; // (0 at the background: Scratch's invariant)
  for (let k = 0; k < pix.length; k++) { const i = pix[k]; if (dTrunk[i] <= hwAt[src[i]] + CHAMFER_UNIT) trunkNear[i] = 1; }
  const out: BranchTip[] = [];
  while (best >= 0 && out.length < opts.maxPerRegion) {
    const path = descend(b, dTrunk, dt, best);
    const j = path[path.length - 1];
    const lead = leadOf[j];
    addPath(path.slice(0, -1), lead);
    propagate(b, path.slice(0, -1), dTrunk, src);
    out.push(placeBranchTip(b, dt, path, trunkNear, r, seg, noiseSigmaRel, lead, iv, cw, ch, prior));
    best = farthest();
  }
  return out;
}

/** Half-size of the patch a branch end is fitted in [px] (the tip model's window is at most 14 px wide, 13 rows). */
const PATCH_HALF = 20;
const PATCH_SIDE = 2 * PATCH_HALF + 1;
/** The patch's darkening, labels and excluded pixels, kept between calls (each call writes all of them before fitting). */
const PATCH_D = new Float32Array(PATCH_SIDE * PATCH_SIDE), PATCH_L = new Int32Array(PATCH_SIDE * PATCH_SIDE), PATCH_X = new Uint8Array(PATCH_SIDE * PATCH_SIDE);

/**
 * Sub-pixel position of a branch end (path: tip pixel first, junction last) by the tip model,
 * fitted in a patch turned by a multiple of 90° so that the branch points within 45° of +v (the
 * model's window is laid out in rows across a near-vertical tip).
 */
function placeBranchTip(
  b: Box, dt: Int32Array, path: number[], trunkNear: Uint8Array, r: CrackRegion, seg: SegmentResult, noiseSigmaRel: number,
  lead: number, iv: ArrayLike<number>, cw: number, ch: number, prior: readonly TipPrior[],
): BranchTip {
  const at = (p: number) => ({ u: b.u0 + (p % b.w), v: b.v0 + Math.floor(p / b.w) });
  const junction = at(path[path.length - 1]);
  // The branch's own blob (its pixels outside the trunk's body, connected to the farthest pixel):
  // its apex is the blob's pixel farthest from the junction — the farthest pixel from the trunk
  // may be a corner of a short, wide branch leaving at an angle. The axis is junction → apex.
  const blob = [path[0]];
  const seen = new Set(blob);
  const offs = [-1, 1, -b.w, b.w, -b.w - 1, -b.w + 1, b.w - 1, b.w + 1];
  for (let k = 0; k < blob.length; k++) {
    for (const o of offs) {
      const q = blob[k] + o;
      if (b.inR[q] && !trunkNear[q] && !seen.has(q)) { seen.add(q); blob.push(q); }
    }
  }
  let apexP = path[0], apexD2 = -1, hwBranch = 0;
  for (const p of blob) {
    const c = at(p), d2 = (c.u - junction.u) ** 2 + (c.v - junction.v) ** 2;
    if (d2 > apexD2 || (d2 === apexD2 && p < apexP)) { apexD2 = d2; apexP = p; }
    hwBranch = Math.max(hwBranch, dt[p]);
  }
  const tipPx = at(apexP);
  let du = tipPx.u - junction.u, dv = tipPx.v - junction.v;
  const norm = Math.hypot(du, dv) || 1;
  du /= norm;
  dv /= norm;
  const halfWidth = hwBranch / CHAMFER_UNIT;
  const coarse = { u: tipPx.u + 0.5 * du, v: tipPx.v + 0.5 * dv };
  // patch frame: (X, Y) offsets from the tip pixel; original = tip + rot(X, Y), with the branch along +Y
  const k = Math.abs(dv) >= Math.abs(du) ? (dv >= 0 ? 0 : 2) : du >= 0 ? 1 : 3;
  const toU = (X: number, Y: number) => (k === 0 ? X : k === 1 ? Y : k === 2 ? -X : -Y);
  const toV = (X: number, Y: number) => (k === 0 ? Y : k === 1 ? -X : k === 2 ? -Y : X);
  const toX = (a: number, c: number) => (k === 0 ? a : k === 1 ? -c : k === 2 ? -a : c);
  const toY = (a: number, c: number) => (k === 0 ? c : k === 1 ? a : k === 2 ? -c : -a);
  const P = PATCH_SIDE;
  const Dp = PATCH_D, Lp = PATCH_L, Xp = PATCH_X; // (every element written below)
  // (u, v) = tip + rot(X, Y) = tip + (uX·X + uY·Y, vX·X + vY·Y): toU and toV's integer coefficients,
  // stepped along the row
  const uX = toU(1, 0), uY = toU(0, 1), vX = toV(1, 0), vY = toV(0, 1);
  const D = seg.darkening, L = seg.labels, bw = b.w, bh = b.h;
  for (let y = 0; y < P; y++) {
    let u = tipPx.u + uY * (y - PATCH_HALF) - uX * PATCH_HALF, v = tipPx.v + vY * (y - PATCH_HALF) - vX * PATCH_HALF;
    for (let x = 0, q = y * P; x < P; x++, q++, u += uX, v += vX) {
      if (u < 0 || v < 0 || u >= cw || v >= ch) { Dp[q] = 0; Lp[q] = 0; Xp[q] = 1; continue; }
      const i = v * cw + u;
      Dp[q] = D[i];
      Lp[q] = L[i];
      // the electrode, and the trunk's body (its darkening is not this tip's)
      const bx = u - b.u0, by = v - b.v0;
      Xp[q] = v <= iv[u] + 2 || (bx >= 0 && by >= 0 && bx < bw && by < bh && trunkNear[by * bw + bx]) ? 1 : 0;
    }
  }
  const cx = toX(coarse.u - tipPx.u, coarse.v - tipPx.v) + PATCH_HALF, cy = toY(coarse.u - tipPx.u, coarse.v - tipPx.v) + PATCH_HALF;
  const dX = toX(du, dv), dY = toY(du, dv);
  // the fit starts from the shape of this branch's tip a frame earlier (findTips' prior), its
  // axis turned into the patch's frame
  const ps = nearestPrior(prior, coarse.u, coarse.v);
  const start = ps && { angleRad: Math.atan2(toX(Math.sin(ps.angleRad), Math.cos(ps.angleRad)), toY(Math.sin(ps.angleRad), Math.cos(ps.angleRad))), a: ps.a, q: ps.q, psfSigmaPx: ps.psfSigmaPx };
  const startApex = ps && { u: toX(ps.u - tipPx.u, ps.v - tipPx.v) + PATCH_HALF, v: toY(ps.u - tipPx.u, ps.v - tipPx.v) + PATCH_HALF };
  const fit = fitTipModel({
    D: Dp, cw: P, ch: P, u: cx, v: cy, angleRad: Math.atan2(dX, dY), halfWidthPx: Math.max(1, halfWidth),
    labels: Lp, label: r.label, noiseSigma: noiseSigmaRel, excluded: (x, y) => Xp[y * P + x] === 1, start, startApex,
  });
  const ok = !!fit && fit.contrast > seg.thresholdRel * 0.5 && fit.sigmaAlongPx <= MAX_SIGMA_PX && Math.hypot(fit.u - cx, fit.v - cy) < 6;
  const tip = ok
    ? { u: tipPx.u + toU(fit!.u - PATCH_HALF, fit!.v - PATCH_HALF), v: tipPx.v + toV(fit!.u - PATCH_HALF, fit!.v - PATCH_HALF), sigma: fit!.sigmaAlongPx }
    // the extremal pixel of the mask: the thin end fades below the threshold before the apex,
    // so its error is up to about the branch's half-width
    : { u: coarse.u, v: coarse.v, sigma: Math.max(1, halfWidth) };
  // the fitted axis back in canonical coordinates, for the next frames' fits
  const shape = ok ? { ...fit!.shape, angleRad: Math.atan2(toU(Math.sin(fit!.shape.angleRad), Math.cos(fit!.shape.angleRad)), toV(Math.sin(fit!.shape.angleRad), Math.cos(fit!.shape.angleRad))) } : undefined;
  return {
    u: tip.u, v: tip.v, junctionU: junction.u, junctionV: junction.v,
    branchLengthPx: Math.hypot(tip.u - junction.u, tip.v - junction.v), sigmaPx: tip.sigma, refined: ok, leadIndex: lead,
    ...(shape ? { shape } : {}),
  };
}
