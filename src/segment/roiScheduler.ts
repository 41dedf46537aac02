/**
 * Where to segment the next frame: the whole frame, or only around what is already known.
 *
 * A tracker's frame mostly does not change: cracks grow a few pixels per frame from known tips,
 * and new dendrites nucleate on the electrode. So the whole frame is segmented only every
 * `fullEveryFrames` frames (and on the first); in between only
 *   - the interface band (every new dendrite starts there), every `bandEveryFrames` frames: early
 *     in a 1080p recording the band (3 tile rows: 0.14 Mpx) is most of what is segmented between
 *     whole frames, and a nascent dendrite found a frame or two later loses only its first points;
 *     the band stays in every whole frame's plan, and a dendrite once found is followed every
 *     frame through its own tiles; and
 *   - each region seen in the last `stickyFrames` frames: the tiles of a fixed grid (`tilePx`)
 *     that hold a pixel of it, grown by whole tiles to at least `marginPx` (covers a tip's
 *     advance, the tip profile read ahead of it, and an inclusion missed for a frame or two).
 *     The region's own tiles, not its bounding box: a long tilted crack late in a recording
 *     covers a thin diagonal band of tiles, where its box would cover a large part of the frame,
 * as the runs of active tiles, row by row: rectangles that do not overlap, and touch only along
 * tile edges (the segmenter joins regions across them). Something appearing elsewhere (an
 * inclusion that did not exist before) is picked up at the next whole frame.
 *
 * A dendrite changes where it grows — at its tips —, not along its body: between whole frames, a
 * tile of the plan farther than `hotRadiusPx` from every tip found recently (noteTips) is
 * *frozen*: not segmented again, its mask from the last frame that segmented it is reused for the
 * components (Segmenter.segment's `frozen` rectangles), as long as that frame is less than
 * `freezeEveryFrames` frames ago — every tile is segmented at least that often, so a new side
 * branch or a change along the body is seen within that many frames. Never frozen: the interface
 * band, tiles near a region that is not a dendrite (an inclusion moves as a whole), and the tiles
 * of a dendrite with no tip found yet. Without this, the work per frame grows with the cracks'
 * length; with it, with their number of tips (a long recording's late frames: see the note of
 * DEFAULT_ROI_SCHEDULE). The tips of frame n − `tipLagFrames` and older are the ones used for
 * frame n, whatever has come back from the tip worker by then: the plan, hence every result,
 * does not depend on the threads' timing.
 *
 * State: a frame counter, the recent regions' tiles, when each tile was last segmented and the
 * recent tips (snapshot/restore for --resume).
 */
import type { CrackRegion, RectPx } from './segmenter.js';

export interface RoiScheduleOptions {
  /** Segment the whole frame every this many frames (1: always, i.e. no rectangles). */
  fullEveryFrames: number;
  /** Margin around each known region [px]. */
  marginPx: number;
  /** Depth of the interface band into the crystal, beyond the interface's deepest point [px]. */
  bandPx: number;
  /** Between whole frames, the interface band is segmented every this many frames (1: every frame). */
  bandEveryFrames: number;
  /** Side of the tile grid [px]. */
  tilePx: number;
  /** Regions are kept in the plan for this many frames after they were last seen. */
  stickyFrames: number;
  /** When the rectangles would cover more than this fraction of the frame, do the whole frame. */
  maxCoverage: number;
  /**
   * A tile far from every recent tip may be left as it was segmented (frozen) for up to this many
   * − 1 frames; 1: never (every tile of the plan is segmented every frame).
   */
  freezeEveryFrames: number;
  /** Tiles within this distance (box) of a recent tip are segmented every frame [px]. */
  hotRadiusPx: number;
  /** Frame n's plan uses the tips of frames ≤ n − this (all of them have come back from the tip worker: ≥ its slots). */
  tipLagFrames: number;
  /** …of this many frames. */
  tipHistoryFrames: number;
  /** Regions away from the interface are followed when at least this large [px²]… */
  minFollowAreaPx: number;
  /** …and this elongated: (longer box side)² / area. */
  minFollowElongation: number;
}

/**
 * hotRadiusPx: findTips reads up to 48 px from a tip (TIP_READ_MARGIN_PX: its depth profile runs
 * 24 rows along an axis of slope up to 1.5 px per row), and a tip noted `tipLagFrames` +
 * `tipHistoryFrames` frames earlier may since have advanced a few pixels: 64 px. (32 px changed
 * the tips of the accuracy benchmark's hard-all-left scenario — coverage 75 → 52 % —; 64 px
 * leaves every scenario's tips as they were without frozen tiles.) On the 1500-frame 1080p bench
 * video, frames 1000–1250, 27 % of the planned tiles were frozen (with 32 px, 42 %); 18 % over the run.
 */
export const DEFAULT_ROI_SCHEDULE: RoiScheduleOptions = {
  fullEveryFrames: 12, marginPx: 24, bandPx: 24, bandEveryFrames: 3, tilePx: 24, stickyFrames: 4, maxCoverage: 0.5, minFollowAreaPx: 20, minFollowElongation: 2,
  freezeEveryFrames: 4, hotRadiusPx: 64, tipLagFrames: 4, tipHistoryFrames: 4,
};

export interface RoiScheduleSnapshot {
  sinceFull: number;
  /** Per recent frame (oldest first), the indices of its active tiles (row-major, `tilePx` grid). */
  recentTiles: number[][];
  tilePx: number;
  /** Frames planned so far; per tile, the frame that last segmented it; the recent tips; what the last frame's regions forbid to freeze (absent in older checkpoints). */
  frozen?: { frames: number; computedAt: Int32Array; tips: Array<{ ordinal: number; uv: number[] }>; dendriteBoxes: number[]; frontPts: number[]; otherTiles: number[] };
}

export class RoiScheduler {
  readonly opts: RoiScheduleOptions;
  private sinceFull = Number.POSITIVE_INFINITY;
  /** Tile grid: nx × ny tiles of tilePx. */
  private readonly nx: number;
  private readonly ny: number;
  /** Active tiles of the regions of the last frames (newest last), already grown by the margin. */
  private recent: Uint8Array[] = [];
  /** Tiles of the interface band (constant). */
  private readonly band: Uint8Array;
  private readonly plan: Uint8Array;
  /** Frames planned so far (the ordinal of the next one). */
  private frames = 0;
  /** Per tile, the ordinal of the frame that last segmented it (a large negative number: never). */
  private readonly computedAt: Int32Array;
  /** Tips by frame (canonical u, v pairs), the last tipLagFrames + tipHistoryFrames frames. */
  private tips: Array<{ ordinal: number; uv: number[] }> = [];
  /** The last frame's dendrites' boxes (uMin, vMin, uMax, vMax per region) and its other followed regions' tiles. */
  private dendriteBoxes: number[] = [];
  /** The last frame's dendrites' deepest points (depth-profile peaks: where leading tips are), u, v pairs. */
  private frontPts: number[] = [];
  private otherTiles: Uint8Array;
  /** The rows [y0, y1) of the interface band's tiles (never frozen). */
  readonly bandRowsPx: { y0: number; y1: number };
  /** The frozen rectangles of the frame last planned by next() (empty: none). */
  lastFrozen: RectPx[] = [];
  /** Tiles segmented and tiles frozen, summed over the frames planned by this scheduler (not restored: this process's frames). */
  readonly tileCounts = { segmented: 0, frozen: 0 };

  constructor(
    private readonly cw: number,
    private readonly ch: number,
    private readonly ifaceV: Float32Array,
    opts: Partial<RoiScheduleOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ROI_SCHEDULE, ...opts };
    const t = this.opts.tilePx;
    this.nx = Math.ceil(cw / t);
    this.ny = Math.ceil(ch / t);
    this.band = new Uint8Array(this.nx * this.ny);
    const b = this.interfaceBand();
    markBox(this.band, b, this.nx, this.ny, t);
    this.bandRowsPx = { y0: Math.floor(b.y / t) * t, y1: Math.min(ch, Math.ceil((b.y + b.h) / t) * t) };
    this.plan = new Uint8Array(this.nx * this.ny);
    this.computedAt = new Int32Array(this.nx * this.ny).fill(NEVER);
    this.otherTiles = new Uint8Array(this.nx * this.ny);
  }

  /**
   * The tips (canonical u, v pairs: leading tips and branch ends) found in frame `ordinal`
   * (counted as next() counts frames). Any order; frames after n − tipLagFrames do not matter to frame n.
   */
  noteTips(ordinal: number, uv: readonly number[]): void {
    const { tipLagFrames: lag, tipHistoryFrames: hist } = this.opts;
    this.tips = this.tips.filter((t) => t.ordinal !== ordinal && t.ordinal > this.frames - lag - hist - 2);
    this.tips.push({ ordinal, uv: [...uv] });
  }

  /** The tile grid (Segmenter's snapshot of frozen tiles). */
  tileGrid(): { tilePx: number; nx: number } {
    return { tilePx: this.opts.tilePx, nx: this.nx };
  }

  /**
   * The tiles the next frame could freeze (row-major indices): segmented less than
   * freezeEveryFrames frames ago, of a recent region, not of the band — a superset of what it
   * will freeze, and after a whole frame not the whole grid.
   */
  freezableTiles(): number[] {
    const out: number[] = [];
    if (this.opts.freezeEveryFrames <= 1) return out;
    const since = this.frames - this.opts.freezeEveryFrames;
    for (let k = 0; k < this.computedAt.length; k++) {
      if (this.computedAt[k] <= since || this.band[k]) continue;
      if (this.recent.some((r) => r[k])) out.push(k);
    }
    return out;
  }

  /** True once a frame has been observed. */
  get hasHistory(): boolean {
    return this.recent.length > 0;
  }

  /**
   * The rectangles of this (whole) frame's plan with `found` added (boxes of regions detected
   * elsewhere, grown by the margin), or null when they would cover more than maxCoverage.
   */
  planWith(found: readonly RectPx[]): RectPx[] | null {
    return this.planRects(found);
  }

  /**
   * The rectangles to segment in the next frame, or null for the whole frame; the frozen ones
   * (reused as they were last segmented) in `lastFrozen`.
   */
  next(): RectPx[] | null {
    const { fullEveryFrames } = this.opts;
    const k = this.sinceFull + 1;
    const ordinal = this.frames++;
    this.lastFrozen = [];
    const rects = fullEveryFrames <= 1 || k >= fullEveryFrames || this.recent.length === 0 ? null : this.planRects([], k % Math.max(1, this.opts.bandEveryFrames) === 0, ordinal);
    this.sinceFull = rects ? this.sinceFull + 1 : 0;
    return rects;
  }

  /** The frame last planned was segmented whole (not only a coarse pass's plan): every tile is current. */
  markAllSegmented(): void {
    this.computedAt.fill(this.frames - 1);
    this.tileCounts.segmented += this.computedAt.length;
  }

  /**
   * Interface band + recent regions' tiles + `extra` boxes grown by the margin, as rectangles; null
   * above maxCoverage. With `freezeAt` (a frame between whole frames, its ordinal): the tiles that
   * may be frozen go to `lastFrozen`, the others are returned (and marked segmented at it).
   */
  private planRects(extra: readonly RectPx[], withBand = true, freezeAt?: number): RectPx[] | null {
    const { tilePx: t, marginPx: m, maxCoverage } = this.opts;
    const plan = this.plan;
    if (withBand) plan.set(this.band);
    else plan.fill(0);
    for (const r of this.recent) for (let k = 0; k < plan.length; k++) plan[k] |= r[k];
    for (const b of extra) markBox(plan, { x: b.x - m, y: b.y - m, w: b.w + 2 * m, h: b.h + 2 * m }, this.nx, this.ny, t);
    let nPlan = 0;
    for (let k = 0; k < plan.length; k++) nPlan += plan[k];
    // (tiles clipped by the frame's edge count whole: the coverage test is slightly conservative there)
    if (nPlan * t * t > maxCoverage * this.cw * this.ch) {
      const rects = runsOfTiles(plan, this.nx, this.ny, t, this.cw, this.ch);
      let area = 0;
      for (const r of rects) area += r.w * r.h;
      if (area > maxCoverage * this.cw * this.ch) return null;
    }
    if (freezeAt === undefined) {
      for (let k = 0; k < plan.length; k++) if (plan[k]) this.computedAt[k] = this.frames - 1;
      this.tileCounts.segmented += nPlan;
      return runsOfTiles(plan, this.nx, this.ny, t, this.cw, this.ch);
    }
    const frozen = this.tilesToFreeze(plan, freezeAt);
    // (the plan is written on every tile, frozen or not: a store first reached after V8 compiled
    // this loop would throw the compiled code away)
    let nFrozen = 0, nSegmented = 0;
    for (let k = 0; k < plan.length; k++) {
      const fz = frozen[k] !== 0, p = fz ? 0 : plan[k];
      plan[k] = p;
      nFrozen += fz ? 1 : 0;
      if (p) {
        this.computedAt[k] = freezeAt;
        nSegmented++;
      }
    }
    this.tileCounts.frozen += nFrozen;
    this.tileCounts.segmented += nSegmented;
    this.lastFrozen = runsOfTiles(frozen, this.nx, this.ny, t, this.cw, this.ch);
    return runsOfTiles(plan, this.nx, this.ny, t, this.cw, this.ch);
  }

  /** The tiles of `plan` that frame `ordinal` may leave as they were last segmented. */
  private tilesToFreeze(plan: Uint8Array, ordinal: number): Uint8Array {
    const { freezeEveryFrames: every, hotRadiusPx: R, tipLagFrames: lag, tipHistoryFrames: hist, tilePx: t, marginPx } = this.opts;
    const { nx, ny } = this;
    const frozen = new Uint8Array(nx * ny);
    if (every <= 1) return frozen;
    // the tips of frames (ordinal − lag − hist, ordinal − lag]: every one of them has come back by now
    const used = this.tips.filter((f) => f.ordinal <= ordinal - lag && f.ordinal > ordinal - lag - hist).sort((a, b) => a.ordinal - b.ordinal);
    const pts: number[] = [];
    for (const f of used) for (const x of f.uv) pts.push(x);
    if (!pts.length) return frozen;
    // a tip may have moved on since: by up to (frames since its last note) × the fastest step seen
    // between the frames noted (a tip and its nearest one a frame before; farther than
    // TIP_MATCH_PX, a new tip, not a step)
    let step = 0;
    for (let j = 1; j < used.length; j++) {
      if (used[j].ordinal !== used[j - 1].ordinal + 1) continue;
      const a = used[j].uv, b = used[j - 1].uv;
      for (let k = 0; k + 1 < a.length; k += 2) {
        let d2 = Infinity;
        for (let i = 0; i + 1 < b.length; i += 2) d2 = Math.min(d2, (a[k] - b[i]) ** 2 + (a[k + 1] - b[i + 1]) ** 2);
        if (d2 <= TIP_MATCH_PX ** 2) step = Math.max(step, Math.sqrt(d2));
      }
    }
    const Rt = R + Math.ceil(Math.max(0, lag * step - TIP_MOTION_ALLOWANCE_PX));
    const hold = new Uint8Array(nx * ny);
    // around the tips, and around the last frame's depth peaks (a leading tip the tip search lost
    // for a few frames stays segmented)
    for (let k = 0; k + 1 < pts.length; k += 2) markBox(hold, { x: pts[k] - Rt, y: pts[k + 1] - Rt, w: 2 * Rt + 1, h: 2 * Rt + 1 }, nx, ny, t);
    const fp = this.frontPts;
    for (let k = 0; k + 1 < fp.length; k += 2) markBox(hold, { x: fp[k] - R, y: fp[k + 1] - R, w: 2 * R + 1, h: 2 * R + 1 }, nx, ny, t);
    // a dendrite with no recent tip inside its box (a new one, or its tips lost): all of it
    const b = this.dendriteBoxes;
    for (let q = 0; q + 3 < b.length; q += 4) {
      let has = false;
      for (let k = 0; k + 1 < pts.length && !has; k += 2) has = pts[k] >= b[q] - R && pts[k] <= b[q + 2] + R && pts[k + 1] >= b[q + 1] - R && pts[k + 1] <= b[q + 3] + R;
      if (!has) markBox(hold, { x: b[q] - marginPx, y: b[q + 1] - marginPx, w: b[q + 2] - b[q] + 1 + 2 * marginPx, h: b[q + 3] - b[q + 1] + 1 + 2 * marginPx }, nx, ny, t);
    }
    const other = this.otherTiles;
    for (let k = 0; k < plan.length; k++) {
      frozen[k] = plan[k] && !this.band[k] && !hold[k] && !other[k] && this.computedAt[k] > ordinal - every ? 1 : 0;
    }
    return frozen;
  }

  /**
   * Record the regions found in the frame just segmented. Followed: dendrites (touching the
   * interface) and regions that could be an inclusion (at least `minFollowAreaPx` and elongated,
   * the InclusionTracker's candidates); a compact speck of noise or dust is not followed. With
   * `labels` (the segmenter's label image), a region's own tiles are marked — from `spans`, the
   * label image's runs ((row, x0, x1) triples, one label each: the segmenter's labelSpans), when
   * given, else by scanning its box —; without, its box's.
   */
  observe(regions: readonly CrackRegion[], labels?: Int32Array, spans?: Int32Array): void {
    const { marginPx, minFollowAreaPx, minFollowElongation, tilePx: t } = this.opts;
    const { nx, ny, cw } = this;
    const own = new Uint8Array(nx * ny);
    const follows = (r: CrackRegion) => r.touchesInterface || (r.areaPx >= minFollowAreaPx && Math.max(r.uMax - r.uMin + 1, r.vMax - r.vMin + 1) ** 2 / r.areaPx >= minFollowElongation);
    if (labels && spans) {
      // (a long tilted crack's box is mostly empty: its runs, not its box, are visited)
      let maxLabel = 0;
      for (const r of regions) maxLabel = Math.max(maxLabel, r.label);
      const followed = new Uint8Array(maxLabel + 1);
      for (const r of regions) if (follows(r)) followed[r.label] = 1;
      for (let k = 0; k < spans.length; k += 3) {
        const v = spans[k], a = spans[k + 1], b = spans[k + 2];
        const g = labels[v * cw + a];
        if (g > maxLabel || !followed[g]) continue;
        const trow = Math.floor(v / t) * nx;
        for (let tx = Math.floor(a / t), e = Math.floor((b - 1) / t); tx <= e; tx++) own[trow + tx] = 1;
      }
    } else {
      for (const r of regions) {
        if (!follows(r)) continue;
        if (!labels) {
          markBox(own, { x: r.uMin, y: r.vMin, w: r.uMax - r.uMin + 1, h: r.vMax - r.vMin + 1 }, nx, ny, t);
          continue;
        }
        // tiles holding a pixel of the region; a tile row at a time, skipping a tile once marked
        for (let v = r.vMin; v <= r.vMax; v++) {
          const row = v * cw, trow = Math.floor(v / t) * nx;
          for (let u = r.uMin; u <= r.uMax; u++) {
            if (labels[row + u] !== r.label) continue;
            const tx = Math.floor(u / t);
            own[trow + tx] = 1;
            u = Math.min(r.uMax, (tx + 1) * t - 1); // rest of this tile's row: already marked
          }
        }
      }
    }
    this.recent.push(dilateTiles(own, nx, ny, Math.ceil(marginPx / t)));
    while (this.recent.length > this.opts.stickyFrames) this.recent.shift();
    // for the frozen tiles of the next frames: the dendrites' boxes, and the other followed
    // regions' tiles grown by the margin (their boxes: an inclusion is small)
    this.dendriteBoxes = [];
    this.frontPts = [];
    const other = new Uint8Array(nx * ny);
    for (const r of regions) {
      if (r.touchesInterface) {
        this.dendriteBoxes.push(r.uMin, r.vMin, r.uMax, r.vMax);
        depthPeaks(r, this.ifaceV, FRONT_PEAK_HALF_WIDTH_PX, this.frontPts);
      }
      else if (follows(r)) markBox(other, { x: r.uMin - marginPx, y: r.vMin - marginPx, w: r.uMax - r.uMin + 1 + 2 * marginPx, h: r.vMax - r.vMin + 1 + 2 * marginPx }, nx, ny, t);
    }
    this.otherTiles = other;
  }

  snapshot(): RoiScheduleSnapshot {
    const idx = (m: Uint8Array) => {
      const out: number[] = [];
      for (let k = 0; k < m.length; k++) if (m[k]) out.push(k);
      return out;
    };
    return {
      sinceFull: Number.isFinite(this.sinceFull) ? this.sinceFull : -1, recentTiles: this.recent.map(idx), tilePx: this.opts.tilePx,
      frozen: { frames: this.frames, computedAt: this.computedAt.slice(), tips: this.tips.map((f) => ({ ordinal: f.ordinal, uv: [...f.uv] })), dendriteBoxes: [...this.dendriteBoxes], frontPts: [...this.frontPts], otherTiles: idx(this.otherTiles) },
    };
  }

  restore(s: RoiScheduleSnapshot): void {
    if (s.tilePx !== this.opts.tilePx) throw new Error(`checkpoint tile grid ${s.tilePx} px differs from ${this.opts.tilePx} px`);
    this.sinceFull = s.sinceFull < 0 ? Number.POSITIVE_INFINITY : s.sinceFull;
    const tiles = (ks: readonly number[]) => {
      const m = new Uint8Array(this.nx * this.ny);
      for (const k of ks) m[k] = 1;
      return m;
    };
    this.recent = s.recentTiles.map(tiles);
    const f = s.frozen;
    // (an older checkpoint: nothing was frozen, every tile is segmented again before it can be)
    this.frames = f?.frames ?? 0;
    this.computedAt.set(f && f.computedAt.length === this.computedAt.length ? f.computedAt : new Int32Array(this.computedAt.length).fill(NEVER));
    this.tips = f ? f.tips.map((x) => ({ ordinal: x.ordinal, uv: [...x.uv] })) : [];
    this.dendriteBoxes = f ? [...f.dendriteBoxes] : [];
    this.frontPts = f ? [...f.frontPts] : [];
    this.otherTiles = tiles(f?.otherTiles ?? []);
  }

  private interfaceBand(): RectPx {
    let lo = Infinity, hi = -Infinity;
    for (let u = 0; u < this.ifaceV.length; u++) {
      lo = Math.min(lo, this.ifaceV[u]);
      hi = Math.max(hi, this.ifaceV[u]);
    }
    const y0 = Math.max(0, Math.floor(lo) - 2);
    const y1 = Math.min(this.ch, Math.ceil(hi) + this.opts.bandPx + 1);
    return { x: 0, y: y0, w: this.cw, h: Math.max(1, y1 - y0) };
  }
}

/** computedAt of a tile never segmented. */
const NEVER = -(2 ** 30);
/** hotRadiusPx's room for a tip's advance since it was noted [px] (64 px − findTips' 48 px reach); beyond, the radius grows. */
const TIP_MOTION_ALLOWANCE_PX = 16;
/** A tip within this distance of one a frame before is taken as its step [px]. */
const TIP_MATCH_PX = 24;
/** A column of a dendrite is a depth peak when no column within this many px is deeper. */
const FRONT_PEAK_HALF_WIDTH_PX = 8;

/**
 * The peaks of a region's depth profile (deepest row per column below the interface): columns
 * no other within ±hw is deeper than (the leading tips are among them), as (u, v) pairs into `out`.
 * A plateau gives each of its columns.
 */
export function depthPeaks(r: CrackRegion, ifaceV: Float32Array, hw: number, out: number[]): void {
  const ext = r.extentV, n = ext.length, u0 = r.uMin;
  const depth = (k: number) => (ext[k] < 0 ? -Infinity : ext[k] - ifaceV[u0 + k]);
  for (let k = 0; k < n; k++) {
    const d = depth(k);
    if (d === -Infinity) continue;
    let peak = true;
    for (let j = Math.max(0, k - hw); j <= Math.min(n - 1, k + hw) && peak; j++) if (depth(j) > d) peak = false;
    if (peak) out.push(u0 + k, ext[k]);
  }
}

/** Mark the tiles that box b touches. */
function markBox(m: Uint8Array, b: RectPx, nx: number, ny: number, tile: number): void {
  if (b.w <= 0 || b.h <= 0) return;
  const tx0 = Math.max(0, Math.floor(b.x / tile)), tx1 = Math.min(nx - 1, Math.floor((b.x + b.w - 1) / tile));
  const ty0 = Math.max(0, Math.floor(b.y / tile)), ty1 = Math.min(ny - 1, Math.floor((b.y + b.h - 1) / tile));
  for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) m[ty * nx + tx] = 1;
}

/** Tiles within `k` tiles (Chebyshev distance) of a marked one. */
function dilateTiles(m: Uint8Array, nx: number, ny: number, k: number): Uint8Array {
  if (k <= 0) return m;
  const rows = new Uint8Array(nx * ny);
  for (let ty = 0; ty < ny; ty++) {
    for (let tx = 0; tx < nx; tx++) {
      if (!m[ty * nx + tx]) continue;
      for (let x = Math.max(0, tx - k), e = Math.min(nx - 1, tx + k); x <= e; x++) rows[ty * nx + x] = 1;
    }
  }
  const out = new Uint8Array(nx * ny);
  for (let ty = 0; ty < ny; ty++) {
    for (let tx = 0; tx < nx; tx++) {
      if (!rows[ty * nx + tx]) continue;
      for (let y = Math.max(0, ty - k), e = Math.min(ny - 1, ty + k); y <= e; y++) out[y * nx + tx] = 1;
    }
  }
  return out;
}

/**
 * The active tiles as rectangles that do not overlap: per tile row, each maximal run of
 * consecutive active tiles, merged with the identical runs of the rows below it (fewer, taller
 * rectangles: less per-call overhead and less padding); clipped to the frame, in raster order of
 * their top-left corners.
 */
function runsOfTiles(active: Uint8Array, nx: number, ny: number, tile: number, cw: number, ch: number, merge = true): RectPx[] {
  /** Run [t0, t1) per row, as t0 * (nx + 1) + t1 keys. */
  const rowRuns: Array<Set<number>> = [];
  for (let ty = 0; ty < ny; ty++) {
    const set = new Set<number>();
    let tx = 0;
    while (tx < nx) {
      if (!active[ty * nx + tx]) { tx++; continue; }
      const t0 = tx;
      while (tx < nx && active[ty * nx + tx]) tx++;
      set.add(t0 * (nx + 1) + tx);
    }
    rowRuns.push(set);
  }
  const out: RectPx[] = [];
  for (let ty = 0; ty < ny; ty++) {
    for (const key of [...rowRuns[ty]].sort((a, b) => a - b)) {
      let ty1 = ty + 1;
      while (merge && ty1 < ny && rowRuns[ty1].has(key)) rowRuns[ty1++].delete(key);
      const t0 = Math.floor(key / (nx + 1)), t1 = key % (nx + 1);
      const x = t0 * tile, y = ty * tile;
      out.push({ x, y, w: Math.min(cw, t1 * tile) - x, h: Math.min(ch, ty1 * tile) - y });
    }
  }
  return out;
}

/**
 * The tiles of a `tile`-pixel grid that any of `boxes` touches, as rectangles (runsOfTiles;
 * `merge` false: one rectangle per run and tile row, so every tile row is a seam).
 */
export function tileRuns(boxes: readonly RectPx[], cw: number, ch: number, tile: number, merge = true): RectPx[] {
  const nx = Math.ceil(cw / tile), ny = Math.ceil(ch / tile);
  const active = new Uint8Array(nx * ny);
  for (const b of boxes) markBox(active, b, nx, ny, tile);
  return runsOfTiles(active, nx, ny, tile, cw, ch, merge);
}
