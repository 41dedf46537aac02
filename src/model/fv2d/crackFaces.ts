import type { Fv2dGrid } from './grid.js';

/**
 * A set of interior grid faces that carry a crack (zero thickness), in path order.
 *
 * Face f separates cell `cellA[f]` (left of / below the face) from `cellB[f]`.
 * `weight[f]` = |n·n_face| ∈ (0, 1] scales the face area Δ for the kinetics of a staircased
 * (tilted or curved) crack, so that Σ weight·Δ equals the length of the true curve.
 * `sM[f]` is the arc length [m] of the face midpoint projected on the generating curve.
 */
export interface CrackFaces {
  readonly cellA: Int32Array;
  readonly cellB: Int32Array;
  /** 0: face normal along x (vertical face), 1: normal along y (horizontal face). */
  readonly normalAxis: Uint8Array;
  readonly weight: Float64Array;
  readonly sM: Float64Array;
}

interface FaceBuild {
  a: number;
  b: number;
  axis: 0 | 1;
  w: number;
  s: number;
}

function finish(list: FaceBuild[]): CrackFaces {
  return {
    cellA: Int32Array.from(list, (f) => f.a),
    cellB: Int32Array.from(list, (f) => f.b),
    normalAxis: Uint8Array.from(list, (f) => f.axis),
    weight: Float64Array.from(list, (f) => f.w),
    sM: Float64Array.from(list, (f) => f.s),
  };
}

/**
 * Staircase a polyline onto grid faces (edges of the cell-corner lattice).
 *
 * The curve is sampled at ≤ Δ/8, each sample is snapped to the nearest lattice node, and
 * consecutive nodes are joined by lattice edges (a diagonal jump goes through the corner nearer
 * the curve). Edges lying on the domain boundary are dropped (a crack touching an electrode or a
 * wall simply ends there). Each face gets weight |n·n_face| from the segment that produced it.
 * @param grid the FV grid
 * @param xsM polyline vertices, x [m]
 * @param ysM polyline vertices, y [m]
 */
export function staircasePolyline(grid: Fv2dGrid, xsM: ArrayLike<number>, ysM: ArrayLike<number>): CrackFaces {
  const { nx, ny, spacingM: h } = grid;
  if (xsM.length !== ysM.length || xsM.length < 2) throw new RangeError('staircasePolyline: need ≥ 2 vertices with matching x and y');
  const seen = new Map<string, number>();
  const faces: FaceBuild[] = [];
  let prevP = Math.round(xsM[0] / h);
  let prevQ = Math.round(ysM[0] / h);
  let sBase = 0;
  const addEdge = (p0: number, q0: number, p1: number, q1: number, tx: number, ty: number, s: number): void => {
    if (q0 === q1) {
      // horizontal lattice edge at y = q·Δ between x = pΔ and (p+1)Δ: normal along y
      const p = Math.min(p0, p1);
      const q = q0;
      if (q <= 0 || q >= ny || p < 0 || p >= nx) return;
      const key = `h${p},${q}`;
      if (seen.has(key)) return;
      seen.set(key, faces.length);
      faces.push({ a: (q - 1) * nx + p, b: q * nx + p, axis: 1, w: Math.abs(tx), s });
    } else {
      const q = Math.min(q0, q1);
      const p = p0;
      if (p <= 0 || p >= nx || q < 0 || q >= ny) return;
      const key = `v${p},${q}`;
      if (seen.has(key)) return;
      seen.set(key, faces.length);
      faces.push({ a: q * nx + p - 1, b: q * nx + p, axis: 0, w: Math.abs(ty), s });
    }
  };
  for (let seg = 0; seg + 1 < xsM.length; seg++) {
    const x0 = xsM[seg];
    const y0 = ysM[seg];
    const dx = xsM[seg + 1] - x0;
    const dy = ysM[seg + 1] - y0;
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    const tx = dx / len;
    const ty = dy / len;
    const nSamples = Math.max(1, Math.ceil((8 * len) / h));
    for (let k = 1; k <= nSamples; k++) {
      const u = (k / nSamples) * len;
      const p = Math.round((x0 + tx * u) / h);
      const q = Math.round((y0 + ty * u) / h);
      if (p === prevP && q === prevQ) continue;
      const s = sBase + u;
      if (p !== prevP && q !== prevQ) {
        // diagonal jump: go through the corner closer to the curve
        const cx1 = p * h;
        const cy1 = prevQ * h;
        const cx2 = prevP * h;
        const cy2 = q * h;
        const dist = (cx: number, cy: number): number => Math.abs((cx - x0) * ty - (cy - y0) * tx);
        if (dist(cx1, cy1) <= dist(cx2, cy2)) {
          addEdge(prevP, prevQ, p, prevQ, tx, ty, s);
          addEdge(p, prevQ, p, q, tx, ty, s);
        } else {
          addEdge(prevP, prevQ, prevP, q, tx, ty, s);
          addEdge(prevP, q, p, q, tx, ty, s);
        }
      } else {
        addEdge(prevP, prevQ, p, q, tx, ty, s);
      }
      prevP = p;
      prevQ = q;
    }
    sBase += len;
  }
  // midpoint arc length of each face: project the face midpoint on the polyline
  const out = finish(faces);
  for (let f = 0; f < faces.length; f++) out.sM[f] = projectArcLength(grid, out, f, xsM, ysM);
  return out;
}

function faceMidpoint(grid: Fv2dGrid, faces: CrackFaces, f: number): [number, number] {
  const { nx, spacingM: h } = grid;
  const a = faces.cellA[f];
  const i = a % nx;
  const j = (a - i) / nx;
  return faces.normalAxis[f] === 0 ? [(i + 1) * h, (j + 0.5) * h] : [(i + 0.5) * h, (j + 1) * h];
}

function projectArcLength(grid: Fv2dGrid, faces: CrackFaces, f: number, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const [mx, my] = faceMidpoint(grid, faces, f);
  let best = Infinity;
  let bestS = 0;
  let base = 0;
  for (let seg = 0; seg + 1 < xs.length; seg++) {
    const dx = xs[seg + 1] - xs[seg];
    const dy = ys[seg + 1] - ys[seg];
    const len2 = dx * dx + dy * dy;
    const len = Math.sqrt(len2);
    let u = len2 > 0 ? ((mx - xs[seg]) * dx + (my - ys[seg]) * dy) / len2 : 0;
    u = Math.min(1, Math.max(0, u));
    const d = Math.hypot(xs[seg] + u * dx - mx, ys[seg] + u * dy - my);
    if (d < best) {
      best = d;
      bestS = base + u * len;
    }
    base += len;
  }
  return bestS;
}

/**
 * Faces between the cells whose centres lie inside a disc and those outside (a solid cylinder
 * on the grid), weighted by |n·n_face| with n the radial normal at the face midpoint.
 * sM is the polar angle × R, from −πR to πR.
 * @param grid the FV grid
 * @param cxM centre x [m]
 * @param cyM centre y [m]
 * @param radiusM R [m]
 */
export function staircaseDisc(grid: Fv2dGrid, cxM: number, cyM: number, radiusM: number): CrackFaces {
  const { nx, ny, spacingM: h } = grid;
  const inside = (i: number, j: number): boolean => Math.hypot((i + 0.5) * h - cxM, (j + 0.5) * h - cyM) < radiusM;
  const faces: FaceBuild[] = [];
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const here = inside(i, j);
      if (i + 1 < nx && inside(i + 1, j) !== here) {
        const mx = (i + 1) * h - cxM;
        const my = (j + 0.5) * h - cyM;
        faces.push({ a: j * nx + i, b: j * nx + i + 1, axis: 0, w: Math.abs(mx) / Math.hypot(mx, my), s: Math.atan2(my, mx) * radiusM });
      }
      if (j + 1 < ny && inside(i, j + 1) !== here) {
        const mx = (i + 0.5) * h - cxM;
        const my = (j + 1) * h - cyM;
        faces.push({ a: j * nx + i, b: (j + 1) * nx + i, axis: 1, w: Math.abs(my) / Math.hypot(mx, my), s: Math.atan2(my, mx) * radiusM });
      }
    }
  }
  return finish(faces);
}
