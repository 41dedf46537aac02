/**
 * Joining the pieces of one dendrite that frame-by-frame linking left apart (issue 3: tracking
 * that holds on real footage). Pure: tracks in, tracks out.
 *
 * On low-contrast, noisy, compressed footage a dendrite's ragged front often shows two depth
 * maxima a few pixels apart, in some frames and not in others. The linker then keeps two tracks
 * side by side on the same dendrite (each takes one of the two tips while both exist), or a
 * track ends on the spurious maximum while a fresh one carries on with the real tip. Either way
 * the dendrite's rate is computed from a fraction of its frames, and the second piece counts as
 * a second dendrite. Two pieces are one dendrite when
 *
 * - they run side by side: at ≥ `minSideBySideFrames` of one's tips, the other's tip at the same
 *   time (its own, or a straight line in time through its tips within ±8 frames: two tracks that
 *   take turns on one dendrite share no frame) is a median of at most `sideBySidePx` away (the 90th percentile
 *   at most twice that); or
 * - one follows the other: they share at most `maxOverlapFrames` frames, the later one starts
 *   within `maxGapFrames` of the earlier one's end, and where it starts it is within the linker's
 *   gate of the earlier one's straight-line extrapolation (fitted to its last points in true time).
 *
 * The closest pair is joined first, then the search repeats. In a frame where both pieces have a
 * tip, the deeper one (farther from the interface) is kept: a dendrite's leading tip is its
 * deepest point. Two separate dendrites do not stay within a few pixels of each other for their
 * whole common life, so they are not joined (test/track/mergeFragments.test.ts, and the Fig. 2
 * fixture of two dendrites joined at the base).
 */

/** What the merger needs of a tip row (canonical coordinates, as the linker saw them). */
export interface FragmentRow {
  frame: number;
  tS: number;
  canonU: number;
  canonV: number;
  /** Distance from the interface [px]: the deeper of two tips in one frame is kept. */
  heightPx: number;
}

export interface MergeOptions {
  sideBySidePx: number;
  maxOverlapFrames: number;
  maxGapFrames: number;
  /** The linker's gate: gatePx + gateFactor·|predicted displacement|. */
  gatePx: number;
  gateFactor: number;
  /** Points of the earlier piece's end used for its extrapolation. */
  tailPoints: number;
  /** Side by side needs this many common frames (a single noise peak beside a tip is not a piece of it). */
  minSideBySideFrames: number;
}

export const DEFAULT_MERGE_OPTIONS: MergeOptions = { sideBySidePx: 6, maxOverlapFrames: 2, maxGapFrames: 25, gatePx: 8, gateFactor: 1.5, tailPoints: 6, minSideBySideFrames: 3 };

/** Median (sorted copy). */
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))));
  return s[i];
}

/** Straight-line extrapolation of a piece's last points (least squares in t) to time t. */
function extrapolate<R extends FragmentRow>(rows: R[], n: number, t: number): { u: number; v: number; vu: number; vv: number } {
  const tail = rows.slice(-n);
  const m = tail.length;
  const last = tail[m - 1];
  if (m < 2) return { u: last.canonU, v: last.canonV, vu: 0, vv: 0 };
  let st = 0, su = 0, sv = 0;
  for (const r of tail) { st += r.tS; su += r.canonU; sv += r.canonV; }
  const mt = st / m, mu = su / m, mv = sv / m;
  let stt = 0, stu = 0, stv = 0;
  for (const r of tail) { stt += (r.tS - mt) ** 2; stu += (r.tS - mt) * (r.canonU - mu); stv += (r.tS - mt) * (r.canonV - mv); }
  const vu = stt > 0 ? stu / stt : 0, vv = stt > 0 ? stv / stt : 0;
  return { u: mu + vu * (t - mt), v: mv + vv * (t - mt), vu, vv };
}

/** Half-width of the window of a's tips around each of b's for the side-by-side test [frames]. */
const SIDE_WINDOW_FRAMES = 8;

/**
 * Distances from each of b's tips to a's tip at the same time: a's own tip in that frame, or a
 * straight line in time through a's tips within ±SIDE_WINDOW_FRAMES (at least two). Two tracks
 * that take turns on one dendrite (each holds it for a run of frames) share no frame, yet run
 * side by side.
 */
function sideBySideDistances<R extends FragmentRow>(a: R[], b: R[]): number[] {
  const out: number[] = [];
  let lo = 0;
  for (const r of b) {
    while (lo < a.length && a[lo].frame < r.frame - SIDE_WINDOW_FRAMES) lo++;
    let hi = lo;
    let same: R | null = null;
    let n = 0, st = 0, su = 0, sv = 0;
    for (; hi < a.length && a[hi].frame <= r.frame + SIDE_WINDOW_FRAMES; hi++) {
      const q = a[hi];
      if (q.frame === r.frame) same = q;
      n++; st += q.tS; su += q.canonU; sv += q.canonV;
    }
    if (same) { out.push(Math.hypot(same.canonU - r.canonU, same.canonV - r.canonV)); continue; }
    if (n < 2) continue;
    const mt = st / n, mu = su / n, mv = sv / n;
    let stt = 0, stu = 0, stv = 0;
    for (let k = lo; k < hi; k++) { const q = a[k]; stt += (q.tS - mt) ** 2; stu += (q.tS - mt) * (q.canonU - mu); stv += (q.tS - mt) * (q.canonV - mv); }
    if (!(stt > 0)) continue;
    out.push(Math.hypot(mu + (stu / stt) * (r.tS - mt) - r.canonU, mv + (stv / stt) * (r.tS - mt) - r.canonV));
  }
  return out;
}

/** How well piece b continues or accompanies piece a (lower is closer); null when they are not one dendrite. */
function joinCost<R extends FragmentRow>(a: R[], b: R[], aByFrame: Map<number, R>, o: MergeOptions): number | null {
  const side = sideBySideDistances(a, b);
  if (side.length >= o.minSideBySideFrames) {
    const med = quantile(side, 0.5);
    if (med <= o.sideBySidePx && quantile(side, 0.9) <= 2 * o.sideBySidePx) return med;
  }
  let common = 0;
  for (const r of b) if (aByFrame.has(r.frame)) common++;
  if (common > o.maxOverlapFrames) return null;
  // one after the other: b starts near where a (the earlier one) was heading
  const [first, second] = a[0].frame <= b[0].frame ? [a, b] : [b, a];
  const s0 = second[0];
  const lastFirst = first[first.length - 1];
  if (s0.frame - lastFirst.frame > o.maxGapFrames + 1) return null;
  const before = first.filter((r) => r.frame < s0.frame);
  if (!before.length) return null;
  const p = extrapolate(before, o.tailPoints, s0.tS);
  const dt = s0.tS - before[before.length - 1].tS;
  const gate = o.gatePx + o.gateFactor * Math.hypot(p.vu * dt, p.vv * dt);
  const d = Math.hypot(p.u - s0.canonU, p.v - s0.canonV);
  return d <= gate ? o.sideBySidePx + d : null;
}

/** One piece from two: per frame the deeper tip. Rows keep their own fields (the first piece's id is the caller's business). */
function join<R extends FragmentRow>(a: R[], b: R[]): R[] {
  const byFrame = new Map<number, R>();
  for (const r of [...a, ...b]) {
    const p = byFrame.get(r.frame);
    if (!p || r.heightPx > p.heightPx) byFrame.set(r.frame, r);
  }
  return [...byFrame.values()].sort((x, y) => x.frame - y.frame);
}

/** A piece after joining: its rows and the input pieces it was made of (ascending). */
export interface MergedPiece<R> {
  rows: R[];
  members: number[];
}

/**
 * Join the pieces that are one dendrite. Deterministic: pairs are taken by increasing cost, ties
 * by the pieces' order in the input.
 * @returns the pieces after joining, in the order of their first member in the input
 */
export function mergeFragments<R extends FragmentRow>(pieces: R[][], o: MergeOptions = DEFAULT_MERGE_OPTIONS): Array<MergedPiece<R>> {
  const live: Array<MergedPiece<R> | null> = pieces.map((p, k) => ({ rows: [...p].sort((x, y) => x.frame - y.frame), members: [k] }));
  const maps: Array<Map<number, R> | null> = live.map((p) => new Map(p!.rows.map((r) => [r.frame, r])));
  const near = (a: R[], b: R[]) => a.length > 0 && b.length > 0
    && b[0].frame <= a[a.length - 1].frame + o.maxGapFrames + 1 && a[0].frame <= b[b.length - 1].frame + o.maxGapFrames + 1;
  // candidate pairs (i < j) with their cost; after a join only the joined piece's pairs change
  const costs = new Map<number, number>();
  const N = live.length;
  const consider = (i: number, j: number) => {
    const [x, y] = i < j ? [i, j] : [j, i];
    const a = live[x]!.rows, b = live[y]!.rows;
    if (!near(a, b)) return;
    const c = joinCost(a, b, maps[x]!, o);
    if (c !== null) costs.set(x * N + y, c);
  };
  // the first scan in order of start frame, stopping where pieces start too late to be joined
  const byStart = live.map((_, k) => k).sort((x, y) => live[x]!.rows[0]?.frame - live[y]!.rows[0]?.frame || x - y).filter((k) => live[k]!.rows.length);
  for (let a = 0; a < byStart.length; a++) {
    const ra = live[byStart[a]]!.rows;
    for (let b = a + 1; b < byStart.length; b++) {
      if (live[byStart[b]]!.rows[0].frame > ra[ra.length - 1].frame + o.maxGapFrames + 1) break;
      consider(byStart[a], byStart[b]);
    }
  }
  while (costs.size) {
    let bestKey = -1, bestC = Infinity;
    for (const [k, c] of costs) if (c < bestC || (c === bestC && k < bestKey)) { bestC = c; bestKey = k; }
    const i = Math.floor(bestKey / N), j = bestKey % N;
    const a = live[i]!, b = live[j]!;
    live[i] = { rows: join(a.rows, b.rows), members: [...a.members, ...b.members].sort((x, y) => x - y) };
    maps[i] = new Map(live[i]!.rows.map((r) => [r.frame, r]));
    live[j] = null;
    maps[j] = null;
    for (const k of [...costs.keys()]) {
      const x = Math.floor(k / N), y = k % N;
      if (x === i || y === i || x === j || y === j) costs.delete(k);
    }
    for (let k = 0; k < N; k++) if (k !== i && live[k]) consider(i, k);
  }
  return live.filter((p): p is MergedPiece<R> => p !== null);
}
