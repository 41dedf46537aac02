/**
 * labelComponents (runs + union–find on a set of rectangles) against OpenCV's
 * connectedComponentsWithStats on the same mask cleared outside the rectangles: the same pixel
 * sets, statistics, interface contact, seed test and order (raster order of the first pixel),
 * on random masks of blobs, lines and speckle, with rectangles that touch along seams
 * (horizontally, vertically and only at a corner) and rectangles that do not.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { ComponentScratch, labelComponents, MaskRuns, maskRuns, MaskRunsScratch } from '../../src/segment/components.js';
import type { RectPx } from '../../src/segment/segmenter.js';
import { mulberry32 as rng } from '../helpers/rng.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

interface Ref {
  pixels: number[];
  area: number;
  uMin: number; uMax: number; vMin: number; vMax: number;
  sumU: number; sumV: number; touches: boolean; extentV: number[];
}

/** OpenCV's components of mask ∩ rects, kept as labelComponents keeps them, in raster order of the first pixel. */
function reference(mask: Uint8Array, cw: number, ch: number, rects: RectPx[], blurred: Float32Array, high: number, minArea: number, iv: Float32Array, band: number, prev: Uint8Array | null = null): Ref[] {
  const inside = new Uint8Array(cw * ch);
  for (const r of rects) for (let v = r.y; v < r.y + r.h; v++) for (let u = r.x; u < r.x + r.w; u++) inside[v * cw + u] = mask[v * cw + u] ? 255 : 0;
  const m = cv.matFromArray(ch, cw, cv.CV_8UC1, Array.from(inside));
  const lab = new cv.Mat(), stats = new cv.Mat(), cents = new cv.Mat();
  const n: number = cv.connectedComponentsWithStats(m, lab, stats, cents, 8, cv.CV_32S);
  const L = Int32Array.from(lab.data32S as Int32Array);
  for (const x of [m, lab, stats, cents]) x.delete();
  const comps: Ref[] = Array.from({ length: n }, () => ({ pixels: [], area: 0, uMin: cw, uMax: -1, vMin: ch, vMax: -1, sumU: 0, sumV: 0, touches: false, extentV: [] }));
  const high1 = new Uint8Array(n), prev1 = new Uint8Array(n);
  for (let i = 0; i < L.length; i++) {
    const l = L[i];
    if (!l) continue;
    const c = comps[l], u = i % cw, v = (i - u) / cw;
    c.pixels.push(i);
    c.area++;
    c.uMin = Math.min(c.uMin, u); c.uMax = Math.max(c.uMax, u); c.vMin = Math.min(c.vMin, v); c.vMax = Math.max(c.vMax, v);
    c.sumU += u; c.sumV += v;
    if (v <= iv[u] + band) c.touches = true;
    if (blurred[i] >= high) high1[l] = 1;
    if (prev && prev[i]) prev1[l] = 1;
  }
  // kept: large enough and seeded — a pixel ≥ high, or (touching the interface) a pixel the frame before kept
  const kept = comps.filter((c, l) => l > 0 && c.area >= minArea && (high1[l] || (prev1[l] && c.touches)));
  for (const c of kept) {
    c.extentV = new Array(c.uMax - c.uMin + 1).fill(-1);
    for (const i of c.pixels) c.extentV[(i % cw) - c.uMin] = Math.max(c.extentV[(i % cw) - c.uMin], Math.floor(i / cw));
  }
  return kept.sort((a, b) => a.pixels[0] - b.pixels[0]);
}

/** A frame-before's kept pixels: random discs, half of them at the interface (rows 7–17 of the test's). */
function prevKeptOf(seed: number, cw: number, ch: number): Uint8Array {
  const r = rng(1000 + seed), p = new Uint8Array(cw * ch);
  for (let k = 0; k < 16; k++) {
    const cu = r() * cw, cv0 = k % 2 ? r() * ch : 7 + r() * 10, rad = 2 + r() * 8;
    for (let v = Math.max(0, Math.floor(cv0 - rad)); v <= Math.min(ch - 1, cv0 + rad); v++) for (let u = Math.max(0, Math.floor(cu - rad)); u <= Math.min(cw - 1, cu + rad); u++) if ((u - cu) ** 2 + (v - cv0) ** 2 <= rad * rad) p[v * cw + u] = 1;
  }
  return p;
}

function scene(seed: number, cw: number, ch: number): { mask: Uint8Array; blurred: Float32Array } {
  const r = rng(seed);
  const mask = new Uint8Array(cw * ch), blurred = new Float32Array(cw * ch);
  const set = (u: number, v: number, b: number) => {
    if (u < 0 || v < 0 || u >= cw || v >= ch) return;
    mask[v * cw + u] = 255;
    blurred[v * cw + u] = Math.max(blurred[v * cw + u], b);
  };
  // blobs
  for (let k = 0; k < 25; k++) {
    const cu = r() * cw, cv0 = r() * ch, rad = 1 + r() * 6, b = r();
    for (let v = Math.floor(cv0 - rad); v <= cv0 + rad; v++) for (let u = Math.floor(cu - rad); u <= cu + rad; u++) if ((u - cu) ** 2 + (v - cv0) ** 2 <= rad * rad) set(u, v, b);
  }
  // thin lines (diagonal ones are 8- but not 4-connected)
  for (let k = 0; k < 12; k++) {
    let u = r() * cw, v = r() * ch;
    const a = r() * 2 * Math.PI, len = 10 + r() * 80, b = r();
    for (let s = 0; s < len; s++, u += Math.cos(a), v += Math.sin(a)) set(Math.round(u), Math.round(v), b);
  }
  // speckle
  for (let k = 0; k < 300; k++) set(Math.floor(r() * cw), Math.floor(r() * ch), r() * 0.5);
  return { mask, blurred };
}

/** Runs of active tiles row by row (touching along tile edges), plus a few loose rectangles elsewhere. */
function rectsOf(seed: number, cw: number, ch: number, tile: number): RectPx[] {
  const r = rng(seed * 7 + 1);
  const nx = Math.ceil(cw / tile), ny = Math.ceil(ch / tile);
  const out: RectPx[] = [];
  for (let ty = 0; ty < ny; ty++) {
    let tx = 0;
    while (tx < nx) {
      if (r() < 0.45) { tx++; continue; }
      const x0 = tx;
      while (tx < nx && r() < 0.7) tx++;
      const x1 = Math.max(tx, x0 + 1);
      const x = x0 * tile, y = ty * tile;
      out.push({ x, y, w: Math.min(cw, x1 * tile) - x, h: Math.min(ch, y + tile) - y });
      tx = x1 + 1;
    }
  }
  // shrink some (as the segmenter's work rectangles: rectangle ∩ foreground box)
  return out.map((q) => (r() < 0.3 ? { x: q.x + 2, y: q.y + 1, w: Math.max(1, q.w - 5), h: Math.max(1, q.h - 3) } : q));
}

describe('labelComponents', () => {
  it('equals OpenCV connected components on the mask cleared outside the rectangles (20 random scenes, whole frame too)', () => {
    const cw = 160, ch = 120, band = 4, high = 0.3, minArea = 3;
    const iv = Float32Array.from({ length: cw }, (_, u) => 10 + 3 * Math.sin(u / 9));
    const s = new ComponentScratch();
    let regionsSeen = 0, seamJoins = 0, prevSeeded = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const { mask, blurred } = scene(seed, cw, ch);
      const rects = seed === 1 ? [{ x: 0, y: 0, w: cw, h: ch }] : rectsOf(seed, cw, ch, 16 + (seed % 3) * 8);
      const labels = new Int32Array(cw * ch);
      // every other scene with the pixels a frame before kept (random blobs): temporal seeds
      const prev = seed % 2 === 0 ? prevKeptOf(seed, cw, ch) : null;
      const got = labelComponents({ mask, cw, rects, blurred, high, minAreaPx: minArea, ifaceV: iv, touchBandPx: band, prevKept: prev }, labels, s);
      const want = reference(mask, cw, ch, rects, blurred, high, minArea, iv, band, prev);
      expect(got.regions.length).toBe(want.length);
      regionsSeen += want.length;
      if (prev) prevSeeded += want.length - reference(mask, cw, ch, rects, blurred, high, minArea, iv, band).length;
      got.regions.forEach((g, k) => {
        const w = want[k];
        expect(g.label).toBe(k + 1);
        expect([g.areaPx, g.uMin, g.uMax, g.vMin, g.vMax, g.sumU, g.sumV, g.touchesInterface]).toEqual([w.area, w.uMin, w.uMax, w.vMin, w.vMax, w.sumU, w.sumV, w.touches]);
        expect(Array.from(g.extentV)).toEqual(w.extentV);
        for (const i of w.pixels) expect(labels[i]).toBe(g.label);
        // a region spanning more than one rectangle was joined across a seam
        if (rects.filter((q) => w.pixels.some((i) => { const u = i % cw, v = (i - u) / cw; return u >= q.x && u < q.x + q.w && v >= q.y && v < q.y + q.h; })).length > 1) seamJoins++;
      });
      // nothing labelled but the kept regions' pixels
      const keptPixels = want.reduce((n, w) => n + w.area, 0);
      expect(labels.reduce((n, l) => n + (l ? 1 : 0), 0)).toBe(keptPixels);
      // the spans written cover exactly the labelled pixels
      let spanPixels = 0;
      for (let k = 0; k < got.spans.length; k += 3) spanPixels += got.spans[k + 2] - got.spans[k + 1];
      expect(spanPixels).toBe(keptPixels);
    }
    expect(regionsSeen).toBeGreaterThan(200);
    expect(seamJoins).toBeGreaterThan(20);
    // (regions kept by a temporal seed alone: no pixel ≥ high, touching the interface, holding a pixel kept before)
    expect(prevSeeded).toBeGreaterThanOrEqual(2);
  });
});

/** The runs of mask ∩ rects pixel by pixel: per row, the columns inside some rectangle where the mask is on, consecutive ones joined. */
function naiveRuns(mask: Uint8Array, cw: number, ch: number, rects: RectPx[]): number[] {
  const inside = new Uint8Array(cw * ch);
  for (const r of rects) for (let v = r.y; v < r.y + r.h; v++) for (let u = r.x; u < r.x + r.w; u++) inside[v * cw + u] = 1;
  const out: number[] = [];
  for (let v = 0; v < ch; v++) {
    for (let u = 0; u < cw; ) {
      const on = (x: number) => x < cw && inside[v * cw + x] === 1 && mask[v * cw + x] !== 0;
      if (!on(u)) { u++; continue; }
      const a = u;
      while (on(u)) u++;
      out.push(v, a, u);
    }
  }
  return out;
}

describe('maskRuns', () => {
  it('equals a pixel-by-pixel reference, through a 32-bit view of the mask and without one (an odd byte offset)', () => {
    let runs = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const cw = 97 + 13 * seed, ch = 61 + 7 * seed; // (row lengths of every residue mod 4: runs cross the 32-bit words at every offset)
      const { mask } = scene(seed, cw, ch);
      // (inside the frame, as the segmenter's are)
      const rects = rectsOf(seed, cw, ch, 8 + (seed % 4) * 8)
        .map((r) => ({ x: r.x, y: r.y, w: Math.min(r.w, cw - r.x), h: Math.min(r.h, ch - r.y) }))
        .filter((r) => r.w > 0 && r.h > 0);
      const want = naiveRuns(mask, cw, ch, rects);
      for (const offset of [0, 4, 1, 3]) {
        const buf = new Uint8Array(cw * ch + 8);
        const view = buf.subarray(offset, offset + cw * ch);
        view.set(mask);
        const scratch = new MaskRunsScratch();
        scratch.ivl = new Int32Array(2); // (grown by maskRuns)
        const got = maskRuns(view, cw, rects, new MaskRuns(), scratch);
        const flat: number[] = [];
        for (let q = 0; q < got.count; q++) flat.push(got.v[q], got.a[q], got.b[q]);
        expect(flat, `seed ${seed}, offset ${offset}`).toEqual(want);
        expect(got.pixels).toBe(want.reduce((s, x, i) => (i % 3 === 2 ? s + x - want[i - 1] : s), 0));
      }
      runs += want.length / 3;
    }
    expect(runs).toBeGreaterThan(1000); // (the scenes have runs to find)
  });
});
