/**
 * rowSpans (the union of rectangles as disjoint row runs, by row then x) against the runs of a
 * brute-force coverage mask, on random sets of overlapping, touching, empty and far-apart rectangles.
 */
import { describe, expect, it } from 'vitest';
import { rowSpans } from '../../src/segment/rowSpans.js';
import type { RectPx } from '../../src/segment/segmenter.js';
import { mulberry32 } from '../helpers/rng.js';

describe('rowSpans', () => {
  it('equals the runs of the covered pixels, each pixel once, for random rectangle sets', () => {
    const rnd = mulberry32(11);
    const W = 80, H = 60;
    for (let t = 0; t < 300; t++) {
      const rects: RectPx[] = [];
      const n = Math.floor(rnd() * 12);
      for (let k = 0; k < n; k++) {
        const x = Math.floor(rnd() * W), y = Math.floor(rnd() * H);
        rects.push({ x, y, w: Math.floor(rnd() * (W - x + 1)), h: Math.floor(rnd() * Math.min(12, H - y + 1)) });
      }
      const mask = new Uint8Array(W * H);
      for (const r of rects) for (let v = r.y; v < r.y + r.h; v++) for (let u = r.x; u < r.x + r.w; u++) mask[v * W + u] = 1;
      const want: number[] = [];
      for (let v = 0; v < H; v++) {
        for (let u = 0; u < W; u++) {
          if (!mask[v * W + u] || (u > 0 && mask[v * W + u - 1])) continue;
          let e = u;
          while (e < W && mask[v * W + e]) e++;
          want.push(v, u, e);
        }
      }
      expect(Array.from(rowSpans(rects))).toEqual(want);
    }
  });
});
