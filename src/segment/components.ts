/**
 * 8-connected components of a binary mask, restricted to a set of disjoint rectangles, by runs
 * (run-length labelling), with the statistics Segmenter needs per region — in one pass over the
 * mask and one over its runs, instead of one cv.connectedComponentsWithStats call per rectangle
 * (each with its fixed cost and a label image to read back), a pass over those labels for the
 * statistics, a join of the regions cut by the rectangles' seams and a pass clearing the labels
 * of the regions dropped.
 *
 * Semantics: pixels are foreground where mask ≠ 0 and inside one of the rectangles; two
 * foreground pixels are connected when 8-adjacent — across the rectangles' seams too, so the
 * result is that of one labelling of the whole frame with the mask cleared outside the
 * rectangles. A region is kept when it has at least `minAreaPx` pixels and one pixel where
 * `blurred` ≥ `high` (hysteresis seed). Kept regions are numbered 1, 2, … in the raster order of
 * their first pixel, and their labels written into `labels` (nothing is written for the others:
 * `labels` must be 0 at every pixel of the rectangles when called).
 *
 * Scratch arrays are kept between calls (ComponentScratch): no per-frame allocation but the
 * regions themselves.
 */
import type { CrackRegion, RectPx } from './segmenter.js';
import { fillRunI32 } from '../core/runs.js';

export interface ComponentInputs {
  mask: Uint8Array;
  cw: number;
  /** Disjoint rectangles (canonical pixels) the mask is read in. */
  rects: readonly RectPx[];
  /** Blurred darkening and the seed threshold (a kept region holds a pixel ≥ high). */
  blurred: Float32Array;
  high: number;
  minAreaPx: number;
  /** Interface depth per column [px] and the band: a region touches it when some pixel has v ≤ iface[u] + band. */
  ifaceV: Float32Array;
  touchBandPx: number;
  /**
   * Pixels of the dendrites the frame before kept (1; cw × ch), or null: a region touching the
   * interface that holds one is kept without a seed above `high` (temporal hysteresis: a
   * Li-filled crack does not vanish from one frame to the next, while its faint darkening may dip
   * under the seed threshold in a noisy frame).
   */
  prevKept: Uint8Array | null;
}

export interface ComponentResult {
  regions: CrackRegion[];
  /** The runs whose labels were written: (row, u0, u1) triples, u1 exclusive; valid until the next call. */
  spans: Int32Array;
}

/** Runs of a mask along rows, in raster order: row v, columns [a, b). Growable, kept between calls. */
export class MaskRuns {
  count = 0;
  /** Total number of pixels in the runs. */
  pixels = 0;
  v = new Int32Array(1024);
  a = new Int32Array(1024);
  b = new Int32Array(1024);

  push(v: number, a: number, b: number): void {
    if (this.count === this.v.length) {
      const m = 2 * this.count;
      const grow = (x: Int32Array) => { const y = new Int32Array(m); y.set(x); return y; };
      this.v = grow(this.v);
      this.a = grow(this.a);
      this.b = grow(this.b);
    }
    this.v[this.count] = v;
    this.a[this.count] = a;
    this.b[this.count] = b;
    this.count++;
    this.pixels += b - a;
  }
}

/**
 * maskRuns' scratch, kept between calls: the row intervals, the rows where they change, and the
 * last mask with its 32-bit view (null when the mask's offset allows none).
 */
export class MaskRunsScratch {
  ivl = new Int32Array(64);
  edges = new Int32Array(64);
  mask: Uint8Array | null = null;
  words: Uint32Array | null = null;
}

/** maskRuns' scratch when the caller gives none (single-threaded use: nothing keeps it across calls). */
const MASK_RUNS_SCRATCH = new MaskRunsScratch();

/**
 * The runs of nonzero pixels of `mask` (cw wide) inside disjoint rectangles, in raster order
 * (intervals of one row that touch are one: a run goes on across the seam), into `out` (reset).
 * The rows are taken in bands between the rectangles' top and bottom edges, in which every row has
 * the same intervals (found once per band, not once per row); the background is skipped four
 * pixels at a time through a 32-bit view of the mask when its offset allows one.
 */
export function maskRuns(mask: Uint8Array, cw: number, rects: readonly RectPx[], out: MaskRuns, scratch: MaskRunsScratch = MASK_RUNS_SCRATCH): MaskRuns {
  out.count = 0;
  out.pixels = 0;
  const sorted = rects.filter((r) => r.w > 0 && r.h > 0).sort((p, q) => p.x - q.x);
  const n = sorted.length;
  if (n === 0) return out;
  // (a row has at most one interval per rectangle: the scratch is sized before the loops, and every
  // operation of the row loop runs on every row — V8 compiles these loops while they run (OSR),
  // and a line first reached after that (a merge, a growth) would throw the compiled code away)
  if (2 * n > scratch.ivl.length) scratch.ivl = new Int32Array(2 * n);
  if (2 * n > scratch.edges.length) scratch.edges = new Int32Array(2 * n);
  const ivl = scratch.ivl, edges = scratch.edges;
  for (let j = 0; j < n; j++) { edges[2 * j] = sorted[j].y; edges[2 * j + 1] = sorted[j].y + sorted[j].h; }
  const ys = edges.subarray(0, 2 * n).sort();
  if (scratch.mask !== mask) {
    scratch.mask = mask;
    scratch.words = mask.byteOffset % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
  }
  const words = scratch.words;
  for (let e = 0; e + 1 < ys.length; e++) {
    const ya = ys[e], yb = ys[e + 1];
    if (yb === ya) continue;
    // the intervals of the rows [ya, yb), in x order, touching ones merged
    let nI = 0;
    for (let j = 0; j < n; j++) {
      const r = sorted[j];
      if (ya < r.y || ya >= r.y + r.h) continue;
      const x0 = r.x, x1 = r.x + r.w;
      if (nI === 0 || ivl[2 * nI - 1] !== x0) { ivl[2 * nI] = x0; nI++; }
      ivl[2 * nI - 1] = x1;
    }
    for (let v = ya; v < yb; v++) {
      const row = v * cw;
      for (let k = 0; k < nI; k++) {
        const xe = ivl[2 * k + 1];
        let u = ivl[2 * k];
        while (u < xe) {
          u = words ? nextOnWords(mask, words, row, u, xe) : nextOn(mask, row, u, xe);
          if (u >= xe) break;
          const a = u;
          u = nextOff(mask, row, u, xe);
          out.push(v, a, u);
        }
      }
    }
  }
  return out;
}

/**
 * 8-connectivity of raster-ordered runs by union–find: afterwards parent[q] is the first run
 * (smallest index, so the component's first pixel in raster order) of run q's component.
 * Runs of consecutive rows touch when [a − 1, b] meets [a', b' − 1].
 */
export function linkRuns(runs: MaskRuns, parent: Int32Array): void {
  const { count: nr, v: rv, a: ra, b: rb } = runs;
  for (let q = 0; q < nr; q++) parent[q] = q;
  for (let q = 0, prevStart = 0, prevEnd = 0; q < nr; ) {
    const v = rv[q];
    let qEnd = q;
    while (qEnd < nr && rv[qEnd] === v) qEnd++;
    if (prevEnd > prevStart && rv[prevStart] !== v - 1) prevStart = prevEnd; // no runs in the row above
    let p0 = prevStart;
    for (let c = q; c < qEnd; c++) {
      while (p0 < prevEnd && rb[p0] < ra[c]) p0++; // entirely left of this run and the next ones
      for (let p = p0; p < prevEnd && ra[p] <= rb[c]; p++) {
        const x = find(parent, p), y = find(parent, c);
        if (x !== y) parent[Math.max(x, y)] = Math.min(x, y);
      }
    }
    prevStart = q;
    prevEnd = qEnd;
    q = qEnd;
  }
  for (let q = 0; q < nr; q++) parent[q] = find(parent, q);
}

/** Scratch of labelComponents, kept between calls. */
export class ComponentScratch {
  runs = new MaskRuns();
  maskRuns = new MaskRunsScratch();
  /** Per run: its component's first run; per first run: statistics and final label (0: dropped). */
  parent = new Int32Array(1024);
  area = new Float64Array(1024);
  flags = new Uint8Array(1024);
  box = new Int32Array(4 * 1024);
  sums = new Float64Array(2 * 1024);
  final = new Int32Array(1024);
  spans = new Int32Array(3 * 1024);

  ensure(n: number): void {
    if (n <= this.parent.length) return;
    const m = Math.max(n, this.parent.length * 2);
    this.parent = new Int32Array(m);
    this.area = new Float64Array(m);
    this.flags = new Uint8Array(m);
    this.box = new Int32Array(4 * m);
    this.sums = new Float64Array(2 * m);
    this.final = new Int32Array(m);
  }
}

const F_HIGH = 1, F_TOUCH = 2, F_PREV = 4;

/**
 * Label the components of `inp.mask` within `inp.rects` into `labels` (see the module comment).
 */
export function labelComponents(inp: ComponentInputs, labels: Int32Array, s: ComponentScratch): ComponentResult {
  const runs = maskRuns(inp.mask, inp.cw, inp.rects, s.runs, s.maskRuns);
  s.ensure(runs.count);
  linkRuns(runs, s.parent);
  return regionsOf(inp, labels, s);
}

/** Root of run a (path halving). */
function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) a = parent[a] = parent[parent[a]];
  return a;
}

/** First column in [u, end) where the mask is on (end if none). */
function nextOn(mask: Uint8Array, row: number, u: number, end: number): number {
  // background four pixels at a time, then one at a time
  while (u + 4 <= end && (mask[row + u] | mask[row + u + 1] | mask[row + u + 2] | mask[row + u + 3]) === 0) u += 4;
  while (u < end && mask[row + u] === 0) u++;
  return u;
}

/**
 * nextOn with `words` a 32-bit view of `mask` (same buffer and offset): to a 4-pixel boundary of
 * the buffer one pixel at a time, then four at a time by one load, then one at a time.
 */
function nextOnWords(mask: Uint8Array, words: Uint32Array, row: number, u: number, end: number): number {
  let i = row + u;
  const e = row + end;
  while (i < e && (i & 3) !== 0 && mask[i] === 0) i++;
  while (i + 4 <= e && words[i >> 2] === 0) i += 4;
  while (i < e && mask[i] === 0) i++;
  return i - row;
}

/** First column in [u, end) where the mask is off (end if none). */
function nextOff(mask: Uint8Array, row: number, u: number, end: number): number {
  while (u < end && mask[row + u] !== 0) u++;
  return u;
}

// Run both of nextOn's loops (and their exits) on a tiny mask before any frame, so that they have
// type feedback when the JIT compiles nextOn. Compiled on the stack while in its first loop (a
// long stretch of background), its code lacked feedback for the second loop's compare, was
// de-optimised there — and, kept for the next call, on nearly every call after: 1053 times in
// a 1500-frame 1080p run (node --trace-deopt).
{
  const warm = new Uint8Array(new ArrayBuffer(128));
  const words = new Uint32Array(warm.buffer);
  warm[6] = 255;
  for (let k = 0; k < 16; k++) {
    nextOn(warm, 0, 0, 9);
    nextOn(warm, 0, 0, 4);
    nextOff(warm, 0, 6, 9);
    nextOnWords(warm, words, 0, 1, 9);
    nextOnWords(warm, words, 0, 0, 4);
    nextOnWords(warm, words, 0, 7, 12);
  }
}

/** Statistics per component, the kept regions (raster order of their first pixel), their labels and extents. */
function regionsOf(inp: ComponentInputs, labels: Int32Array, s: ComponentScratch): ComponentResult {
  // (each pass a function of its own: regionsOf runs once per frame, and as one function its
  // later loops' on-stack compiled code met lines that had not run yet when it was compiled and
  // was thrown away there, call after call — up to 13 deoptimisations in a 250-frame run)
  resetComponents(s);
  accumulateComponents(s, inp.cw, inp.blurred, inp.high, inp.ifaceV, inp.touchBandPx);
  // temporal seeds, looked for only in the regions they could keep: large enough, touching the
  // interface, no pixel ≥ high (a second pass over their runs: most components are none of these)
  if (inp.prevKept !== null) markTemporalSeeds(s, inp.cw, inp.prevKept, inp.minAreaPx);
  const regions = keptRegions(s, inp.minAreaPx);
  return { regions, spans: labelRuns(s, labels, inp.cw, regions) };
}

/** Statistics of every component (at its first run) zeroed, its box empty. */
function resetComponents(s: ComponentScratch): void {
  const { parent, area, flags, box, sums } = s;
  const { count: nRuns, v: runV } = s.runs;
  for (let q = 0; q < nRuns; q++) {
    if (parent[q] !== q) continue;
    area[q] = 0;
    flags[q] = 0;
    box[4 * q] = 0x7fffffff;
    box[4 * q + 1] = -1;
    box[4 * q + 2] = runV[q];
    box[4 * q + 3] = -1;
    sums[2 * q] = 0;
    sums[2 * q + 1] = 0;
  }
}

/** Area, box, pixel sums and the F_HIGH / F_TOUCH flags of every component, from its runs. */
function accumulateComponents(s: ComponentScratch, cw: number, blurred: Float32Array, high: number, iv: Float32Array, band: number): void {
  const { parent, area, flags, box, sums } = s;
  const { count: nRuns, v: runV, a: runA, b: runB } = s.runs;
  for (let q = 0; q < nRuns; q++) {
    const g = parent[q];
    const v = runV[q], a = runA[q], b = runB[q], n = b - a;
    area[g] += n;
    sums[2 * g] += ((a + b - 1) * n) / 2;
    sums[2 * g + 1] += v * n;
    if (a < box[4 * g]) box[4 * g] = a;
    if (b - 1 > box[4 * g + 1]) box[4 * g + 1] = b - 1;
    box[4 * g + 3] = v; // (rows come in order)
    let f = flags[g];
    if ((f & F_HIGH) === 0) {
      for (let i = v * cw + a, e = v * cw + b; i < e; i++) if (blurred[i] >= high) { f |= F_HIGH; break; }
    }
    if ((f & F_TOUCH) === 0) {
      for (let u = a; u < b; u++) if (v <= iv[u] + band) { f |= F_TOUCH; break; }
    }
    flags[g] = f;
  }
}

/** F_PREV on the components that touch the interface, have no pixel ≥ high, are large enough and hold a pixel of `prev`. */
function markTemporalSeeds(s: ComponentScratch, cw: number, prev: Uint8Array, minAreaPx: number): void {
  const { parent, area, flags } = s;
  const { count: nRuns, v: runV, a: runA, b: runB } = s.runs;
  for (let q = 0; q < nRuns; q++) {
    const g = parent[q];
    if ((flags[g] & (F_HIGH | F_TOUCH | F_PREV)) !== F_TOUCH || area[g] < minAreaPx) continue;
    for (let i = runV[q] * cw + runA[q], e = runV[q] * cw + runB[q]; i < e; i++) if (prev[i] !== 0) { flags[g] |= F_PREV; break; }
  }
}

/** The kept components as regions, in the order of their first run (= raster order of their first pixel); final[] their labels (0: dropped). */
function keptRegions(s: ComponentScratch, minAreaPx: number): CrackRegion[] {
  const { parent, area, flags, box, sums, final } = s;
  const nRuns = s.runs.count;
  const regions: CrackRegion[] = [];
  for (let q = 0; q < nRuns; q++) {
    if (parent[q] !== q) continue;
    final[q] = 0;
    const f = flags[q];
    if (area[q] < minAreaPx || ((f & F_HIGH) === 0 && (f & (F_PREV | F_TOUCH)) !== (F_PREV | F_TOUCH))) continue;
    const uMin = box[4 * q], uMax = box[4 * q + 1];
    final[q] = regions.length + 1;
    regions.push({
      label: regions.length + 1, areaPx: area[q], touchesInterface: (flags[q] & F_TOUCH) !== 0,
      uMin, uMax, vMin: box[4 * q + 2], vMax: box[4 * q + 3],
      extentV: new Int32Array(uMax - uMin + 1).fill(-1), sumU: sums[2 * q], sumV: sums[2 * q + 1],
    });
  }
  return regions;
}

/** Labels and deepest row per column of the kept regions (runs come row by row, so the last write is the deepest); their runs as (v, a, b) triples. */
function labelRuns(s: ComponentScratch, labels: Int32Array, cw: number, regions: CrackRegion[]): Int32Array {
  const { parent, final } = s;
  const { count: nRuns, v: runV, a: runA, b: runB } = s.runs;
  if (3 * nRuns > s.spans.length) s.spans = new Int32Array(Math.max(3 * nRuns, 2 * s.spans.length));
  const spans = s.spans;
  let nS = 0;
  for (let q = 0; q < nRuns; q++) {
    const g = final[parent[q]];
    if (g === 0) continue;
    const v = runV[q], a = runA[q], b = runB[q];
    fillRunI32(labels, g, v * cw + a, v * cw + b);
    const reg = regions[g - 1], ext = reg.extentV, u0 = reg.uMin;
    for (let u = a; u < b; u++) ext[u - u0] = v;
    spans[nS++] = v;
    spans[nS++] = a;
    spans[nS++] = b;
  }
  return spans.subarray(0, nS);
}
