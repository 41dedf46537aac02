/**
 * Edge-aligned coordinates. u = depth from the plating image border (px, growing into the
 * image, i.e. along the growth direction); v = position along that border (px, equal to the
 * image x for top/bottom edges and to y for left/right). Image pixel coordinates have (0,0)
 * at the centre of the top-left pixel, so the image borders lie at −0.5 and W−0.5 / H−0.5.
 */
import type { PlatingEdge } from '../core/types.js';

export interface EdgeFrame {
  edge: PlatingEdge;
  widthPx: number;
  heightPx: number;
  /** Extent of the image along the edge [px]. */
  alongPx: number;
  /** Extent of the image across the edge (growth direction) [px]. */
  acrossPx: number;
  /** Image point (x, y) of edge coordinates (u, v). */
  toImage(u: number, v: number): [number, number];
  /** Edge coordinates (u, v) of image point (x, y). */
  toEdge(x: number, y: number): [number, number];
  /** Image-frame unit vector of the edge direction (u, v) components. */
  dirToImage(du: number, dv: number): [number, number];
  /** toEdge as coefficients: u = ux·x + uy·y + u0, v = vx·x + vy·y + v0 (for hot loops). */
  affine: { ux: number; uy: number; u0: number; vx: number; vy: number; v0: number };
}

/** The edge frame for a plating edge and frame size. */
export function edgeFrame(edge: PlatingEdge, widthPx: number, heightPx: number): EdgeFrame {
  const W = widthPx;
  const H = heightPx;
  const horizontal = edge === 'top' || edge === 'bottom';
  const base = { edge, widthPx: W, heightPx: H, alongPx: horizontal ? W : H, acrossPx: horizontal ? H : W };
  switch (edge) {
    case 'top':
      return { ...base, affine: { ux: 0, uy: 1, u0: 0.5, vx: 1, vy: 0, v0: 0 }, toImage: (u, v) => [v, u - 0.5], toEdge: (x, y) => [y + 0.5, x], dirToImage: (du, dv) => [dv, du] };
    case 'bottom':
      return { ...base, affine: { ux: 0, uy: -1, u0: H - 0.5, vx: 1, vy: 0, v0: 0 }, toImage: (u, v) => [v, H - 0.5 - u], toEdge: (x, y) => [H - 0.5 - y, x], dirToImage: (du, dv) => [dv, -du] };
    case 'left':
      return { ...base, affine: { ux: 1, uy: 0, u0: 0.5, vx: 0, vy: 1, v0: 0 }, toImage: (u, v) => [u - 0.5, v], toEdge: (x, y) => [x + 0.5, y], dirToImage: (du, dv) => [du, dv] };
    case 'right':
      return { ...base, affine: { ux: -1, uy: 0, u0: W - 0.5, vx: 0, vy: 1, v0: 0 }, toImage: (u, v) => [W - 0.5 - u, v], toEdge: (x, y) => [W - 0.5 - x, y], dirToImage: (du, dv) => [-du, dv] };
  }
}
