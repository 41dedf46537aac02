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
      for (let y = 0; y < H; y++) {
        const row = y * W;
        for (let x = 0; x < W; x++) out[x * cw + y] = src[row + x];
      }
      break;
    case 'right': // v = W-1-x, u = y
      for (let y = 0; y < H; y++) {
        const row = y * W;
        for (let x = 0; x < W; x++) out[(W - 1 - x) * cw + y] = src[row + x];
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
