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
 * State: a frame counter and the recent regions' tiles (snapshot/restore for --resume).
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
  /** Regions away from the interface are followed when at least this large [px²]… */
  minFollowAreaPx: number;
  /** …and this elongated: (longer box side)² / area. */
  minFollowElongation: number;
}

export const DEFAULT_ROI_SCHEDULE: RoiScheduleOptions = { fullEveryFrames: 12, marginPx: 24, bandPx: 24, bandEveryFrames: 3, tilePx: 24, stickyFrames: 4, maxCoverage: 0.5, minFollowAreaPx: 20, minFollowElongation: 2 };

export interface RoiScheduleSnapshot {
  sinceFull: number;
  /** Per recent frame (oldest first), the indices of its active tiles (row-major, `tilePx` grid). */
  recentTiles: number[][];
  tilePx: number;
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
    markBox(this.band, this.interfaceBand(), this.nx, this.ny, t);
    this.plan = new Uint8Array(this.nx * this.ny);
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

  /** The rectangles for the next frame, or null for the whole frame. */
  next(): RectPx[] | null {
    const { fullEveryFrames } = this.opts;
    const k = this.sinceFull + 1;
    const rects = fullEveryFrames <= 1 || k >= fullEveryFrames || this.recent.length === 0 ? null : this.planRects([], k % Math.max(1, this.opts.bandEveryFrames) === 0);
    this.sinceFull = rects ? this.sinceFull + 1 : 0;
    return rects;
  }

  /** Interface band + recent regions' tiles + `extra` boxes grown by the margin, as rectangles; null above maxCoverage. */
  private planRects(extra: readonly RectPx[], withBand = true): RectPx[] | null {
    const { tilePx: t, marginPx: m, maxCoverage } = this.opts;
    const plan = this.plan;
    if (withBand) plan.set(this.band);
    else plan.fill(0);
    for (const r of this.recent) for (let k = 0; k < plan.length; k++) plan[k] |= r[k];
    for (const b of extra) markBox(plan, { x: b.x - m, y: b.y - m, w: b.w + 2 * m, h: b.h + 2 * m }, this.nx, this.ny, t);
    const rects = runsOfTiles(plan, this.nx, this.ny, t, this.cw, this.ch);
    let area = 0;
    for (const r of rects) area += r.w * r.h;
    return area > maxCoverage * this.cw * this.ch ? null : rects;
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
  }

  snapshot(): RoiScheduleSnapshot {
    const idx = (m: Uint8Array) => {
      const out: number[] = [];
      for (let k = 0; k < m.length; k++) if (m[k]) out.push(k);
      return out;
    };
    return { sinceFull: Number.isFinite(this.sinceFull) ? this.sinceFull : -1, recentTiles: this.recent.map(idx), tilePx: this.opts.tilePx };
  }

  restore(s: RoiScheduleSnapshot): void {
    if (s.tilePx !== this.opts.tilePx) throw new Error(`checkpoint tile grid ${s.tilePx} px differs from ${this.opts.tilePx} px`);
    this.sinceFull = s.sinceFull < 0 ? Number.POSITIVE_INFINITY : s.sinceFull;
    this.recent = s.recentTiles.map((ks) => {
      const m = new Uint8Array(this.nx * this.ny);
      for (const k of ks) m[k] = 1;
      return m;
    });
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
