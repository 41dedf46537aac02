/**
 * Where to segment the next frame: the whole frame, or only around what is already known.
 *
 * A tracker's frame mostly does not change: cracks grow a few pixels per frame from known tips,
 * and new dendrites nucleate on the electrode. So the whole frame is segmented only every
 * `fullEveryFrames` frames (and on the first); in between only
 *   - the interface band (every new dendrite starts there), and
 *   - each region seen in the last `stickyFrames` frames, grown by `marginPx` (covers a tip's
 *     advance, the tip profile read ahead of it, and an inclusion missed for a frame or two),
 * as the runs of active tiles of a fixed grid (`tilePx`), row by row: rectangles that do not
 * overlap, and touch only along tile edges (the segmenter joins regions across them). Something
 * appearing elsewhere (an inclusion that did not exist before) is picked up at the next whole
 * frame.
 *
 * State: a frame counter and the recent regions' boxes (snapshot/restore for --resume).
 */
import type { CrackRegion, RectPx } from './segmenter.js';

export interface RoiScheduleOptions {
  /** Segment the whole frame every this many frames (1: always, i.e. no rectangles). */
  fullEveryFrames: number;
  /** Margin around each known region [px]. */
  marginPx: number;
  /** Depth of the interface band into the crystal, beyond the interface's deepest point [px]. */
  bandPx: number;
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

export const DEFAULT_ROI_SCHEDULE: RoiScheduleOptions = { fullEveryFrames: 12, marginPx: 24, bandPx: 24, tilePx: 32, stickyFrames: 4, maxCoverage: 0.5, minFollowAreaPx: 20, minFollowElongation: 2 };

export interface RoiScheduleSnapshot {
  sinceFull: number;
  recent: RectPx[][];
}

export class RoiScheduler {
  readonly opts: RoiScheduleOptions;
  private sinceFull = Number.POSITIVE_INFINITY;
  /** Boxes of the regions of the last frames (newest last), already grown by the margin. */
  private recent: RectPx[][] = [];

  constructor(
    private readonly cw: number,
    private readonly ch: number,
    private readonly ifaceV: Float32Array,
    opts: Partial<RoiScheduleOptions> = {},
  ) {
    this.opts = { ...DEFAULT_ROI_SCHEDULE, ...opts };
  }

  /** The rectangles for the next frame, or null for the whole frame. */
  next(): RectPx[] | null {
    const { fullEveryFrames, maxCoverage } = this.opts;
    if (fullEveryFrames <= 1 || this.sinceFull + 1 >= fullEveryFrames || this.recent.length === 0) {
      this.sinceFull = 0;
      return null;
    }
    const rects = tileRuns([this.interfaceBand(), ...this.recent.flat()], this.cw, this.ch, this.opts.tilePx);
    let area = 0;
    for (const r of rects) area += r.w * r.h;
    if (area > maxCoverage * this.cw * this.ch) {
      this.sinceFull = 0;
      return null;
    }
    this.sinceFull++;
    return rects;
  }

  /**
   * Record the regions found in the frame just segmented. Followed: dendrites (touching the
   * interface) and regions that could be an inclusion (at least `minFollowAreaPx` and elongated,
   * the InclusionTracker's candidates); a compact speck of noise or dust is not followed.
   */
  observe(regions: readonly CrackRegion[]): void {
    const { marginPx: m, minFollowAreaPx, minFollowElongation } = this.opts;
    const followed = regions.filter((r) => r.touchesInterface
      || (r.areaPx >= minFollowAreaPx && Math.max(r.uMax - r.uMin + 1, r.vMax - r.vMin + 1) ** 2 / r.areaPx >= minFollowElongation));
    this.recent.push(followed.map((r) => clip({ x: r.uMin - m, y: r.vMin - m, w: r.uMax - r.uMin + 1 + 2 * m, h: r.vMax - r.vMin + 1 + 2 * m }, this.cw, this.ch)));
    while (this.recent.length > this.opts.stickyFrames) this.recent.shift();
  }

  snapshot(): RoiScheduleSnapshot {
    return { sinceFull: Number.isFinite(this.sinceFull) ? this.sinceFull : -1, recent: this.recent.map((f) => f.map((r) => ({ ...r }))) };
  }

  restore(s: RoiScheduleSnapshot): void {
    this.sinceFull = s.sinceFull < 0 ? Number.POSITIVE_INFINITY : s.sinceFull;
    this.recent = s.recent.map((f) => f.map((r) => ({ ...r })));
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

function clip(r: RectPx, cw: number, ch: number): RectPx {
  const x0 = Math.max(0, r.x), y0 = Math.max(0, r.y);
  const x1 = Math.min(cw, r.x + r.w), y1 = Math.min(ch, r.y + r.h);
  return { x: x0, y: y0, w: Math.max(0, x1 - x0), h: Math.max(0, y1 - y0) };
}

/**
 * The tiles of a `tile`-pixel grid that any of `boxes` touches, as rectangles: per tile row,
 * each maximal run of consecutive active tiles (clipped to the frame), top to bottom, left to right.
 */
export function tileRuns(boxes: readonly RectPx[], cw: number, ch: number, tile: number): RectPx[] {
  const nx = Math.ceil(cw / tile), ny = Math.ceil(ch / tile);
  const active = new Uint8Array(nx * ny);
  for (const b of boxes) {
    if (b.w <= 0 || b.h <= 0) continue;
    const tx0 = Math.max(0, Math.floor(b.x / tile)), tx1 = Math.min(nx - 1, Math.floor((b.x + b.w - 1) / tile));
    const ty0 = Math.max(0, Math.floor(b.y / tile)), ty1 = Math.min(ny - 1, Math.floor((b.y + b.h - 1) / tile));
    for (let ty = ty0; ty <= ty1; ty++) for (let tx = tx0; tx <= tx1; tx++) active[ty * nx + tx] = 1;
  }
  const out: RectPx[] = [];
  for (let ty = 0; ty < ny; ty++) {
    let tx = 0;
    while (tx < nx) {
      if (!active[ty * nx + tx]) { tx++; continue; }
      const t0 = tx;
      while (tx < nx && active[ty * nx + tx]) tx++;
      const x = t0 * tile, y = ty * tile;
      out.push({ x, y, w: Math.min(cw, tx * tile) - x, h: Math.min(ch, y + tile) - y });
    }
  }
  return out;
}
