/**
 * The pixels covered by a set of rectangles as disjoint row runs: the segmenter darkens each
 * pixel of its (overlapping, padded) rectangles once, and the tip pool copies each pixel of its
 * read area once.
 */
import type { RectPx } from './segmenter.js';

/** Disjoint horizontal runs of pixels, as (row, x0, x1) triples [x0, x1), by row then x0. */
export type RowSpans = Int32Array;

/**
 * The pixels covered by any of `rects`, as disjoint row spans (overlaps merged, each pixel once).
 * A sweep down the rows with the rectangles that cover the current one, kept in x order (a
 * frame's plan has a hundred rectangles or more, a few of them on any one row).
 */
export function rowSpans(rects: readonly RectPx[]): RowSpans {
  const rs = rects.filter((r) => r.w > 0 && r.h > 0).sort((a, b) => a.y - b.y || a.x - b.x);
  const out: number[] = [];
  const active: RectPx[] = [];
  let next = 0;
  for (let v = rs.length ? rs[0].y : 0; next < rs.length || active.length; v++) {
    for (let k = active.length - 1; k >= 0; k--) if (active[k].y + active[k].h <= v) active.splice(k, 1);
    if (!active.length && next < rs.length && rs[next].y > v) v = rs[next].y;
    for (; next < rs.length && rs[next].y === v; next++) {
      const r = rs[next];
      let k = active.length;
      while (k > 0 && active[k - 1].x > r.x) k--;
      active.splice(k, 0, r);
    }
    let a = 0, z = -1; // current span [a, z); none while z < 0
    for (const r of active) {
      if (z >= 0 && r.x <= z) z = Math.max(z, r.x + r.w);
      else {
        if (z >= 0) out.push(v, a, z);
        a = r.x;
        z = r.x + r.w;
      }
    }
    if (z >= 0) out.push(v, a, z);
  }
  return Int32Array.from(out);
}
