/**
 * Canonical orientation. Segmentation and tip finding work on an image rotated/flipped so the
 * plating electrode is on the TOP edge and dendrites grow DOWN (+v). Coordinates in that frame:
 * u = along the electrode (column), v = distance into the crystal (row). Pixel centres are
 * integers in both frames, so the mapping is exact for sub-pixel positions too.
 */
import type { PlatingEdge } from '../core/types.js';

export interface CanonicalGeometry {
  edge: PlatingEdge;
  /** Original image size. */
  width: number;
  height: number;
  /** Canonical size: cw columns (u) × ch rows (v). */
  cw: number;
  ch: number;
}

export function canonicalGeometry(width: number, height: number, edge: PlatingEdge): CanonicalGeometry {
  const transposed = edge === 'left' || edge === 'right';
  return { edge, width, height, cw: transposed ? height : width, ch: transposed ? width : height };
}

/** Copy an original gray8 image into canonical orientation (`out` has cw*ch bytes). */
export function toCanonical(src: Uint8Array, g: CanonicalGeometry, out: Uint8Array): Uint8Array {
  const { width: W, height: H, cw, ch } = g;
  switch (g.edge) {
    case 'top':
      out.set(src.subarray(0, W * H));
      break;
    case 'bottom':
      for (let v = 0; v < ch; v++) out.set(src.subarray((H - 1 - v) * W, (H - v) * W), v * cw);
      break;
    case 'left': // v = x, u = y
    case 'right': // v = W-1-x, u = y
      // a transpose, in 32 × 32 blocks so that both the reads and the writes stay in cache
      // (a row-by-row transpose of a 1080p frame misses the cache on every write)
      for (let y0 = 0; y0 < H; y0 += 32) {
        const y1 = Math.min(H, y0 + 32);
        for (let x0 = 0; x0 < W; x0 += 32) {
          const x1 = Math.min(W, x0 + 32);
          for (let y = y0; y < y1; y++) {
            const row = y * W;
            if (g.edge === 'left') for (let x = x0; x < x1; x++) out[x * cw + y] = src[row + x];
            else for (let x = x0; x < x1; x++) out[(W - 1 - x) * cw + y] = src[row + x];
          }
        }
      }
      break;
  }
  void ch;
  return out;
}

/** Canonical (u, v) → original image (x, y), both in pixel-centre coordinates. */
export function canonicalToImage(u: number, v: number, g: CanonicalGeometry): { x: number; y: number } {
  switch (g.edge) {
    case 'top':
      return { x: u, y: v };
    case 'bottom':
      return { x: u, y: g.height - 1 - v };
    case 'left':
      return { x: v, y: u };
    case 'right':
      return { x: g.width - 1 - v, y: u };
  }
}

/** Original image (x, y) → canonical (u, v). */
export function imageToCanonical(x: number, y: number, g: CanonicalGeometry): { u: number; v: number } {
  switch (g.edge) {
    case 'top':
      return { u: x, v: y };
    case 'bottom':
      return { u: x, v: g.height - 1 - y };
    case 'left':
      return { u: y, v: x };
    case 'right':
      return { u: y, v: g.width - 1 - x };
  }
}
