/**
 * The segmenter's closing (SimdBlur.dilate / erode, simdMask.wat: dilation / erosion by the 3 × 3
 * cross, sixteen pixels at a time) against cv.dilate / cv.erode with the 3 × 3 ellipse on a sub-matrix of the
 * whole image (BORDER_CONSTANT, default border value): equal on the rectangle, pixels around it
 * read from the image, the rest of the destination untouched. Rectangles at every alignment,
 * at the image's edges and corners, 1 px wide or high; widths that are not a multiple of 16.
 */
import { describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/segment/opencv.js';
import type { RectPx } from '../../src/segment/segmenter.js';
import { SimdBlur } from '../../src/segment/simdBlur.js';
import { mulberry32 } from '../helpers/rng.js';

describe('the closing by the 3 × 3 cross (simdMask.wat)', () => {
  it('equals cv.dilate / cv.erode (3 × 3 ellipse) on rectangles of a 0/255 mask, the rest untouched', async () => {
    const cv = await loadOpenCv();
    const kern = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(3, 3));
    const rnd = mulberry32(77);
    for (const [w, h] of [[64, 40], [36, 9], [8, 5], [37, 11], [83, 7]]) {
      const src = new cv.Mat(h, w, cv.CV_8UC1), dst = new cv.Mat(h, w, cv.CV_8UC1);
      const k = new SimdBlur(w, h);
      for (let t = 0; t < 60; t++) {
        const dens = [0.05, 0.5, 0.95][t % 3];
        const m8 = src.data as Uint8Array;
        for (let i = 0; i < w * h; i++) m8[i] = rnd() < dens ? 255 : 0;
        const x = t % 7 === 0 ? 0 : Math.floor(rnd() * w), y = t % 5 === 0 ? 0 : Math.floor(rnd() * h);
        const rw = t % 4 === 0 ? 1 : t % 6 === 0 ? w - x : 1 + Math.floor(rnd() * (w - x));
        const rh = t % 9 === 0 ? 1 : t % 8 === 0 ? h - y : 1 + Math.floor(rnd() * (h - y));
        const r: RectPx = { x, y, w: rw, h: rh };
        for (const dilate of [true, false]) {
          const fill = Math.floor(rnd() * 256);
          (dst.data as Uint8Array).fill(fill);
          const roiS = src.roi(new cv.Rect(x, y, rw, rh)), roiD = dst.roi(new cv.Rect(x, y, rw, rh));
          if (dilate) cv.dilate(roiS, roiD, kern, new cv.Point(-1, -1), 1, cv.BORDER_CONSTANT, cv.morphologyDefaultBorderValue());
          else cv.erode(roiS, roiD, kern, new cv.Point(-1, -1), 1, cv.BORDER_CONSTANT, cv.morphologyDefaultBorderValue());
          roiS.delete();
          roiD.delete();
          const want = Uint8Array.from(dst.data as Uint8Array);
          // dilation: m8 → dil; erosion: dil → closed
          const from = dilate ? k.m8 : k.dil, mine = dilate ? k.dil : k.closed;
          from.set(src.data as Uint8Array);
          mine.fill(fill);
          if (dilate) k.dilate(r);
          else k.erode(r);
          let diff = 0;
          for (let i = 0; i < w * h; i++) if (mine[i] !== want[i]) diff++;
          expect(diff, `${w}×${h} rect ${x},${y},${rw},${rh} ${dilate ? 'dilate' : 'erode'}`).toBe(0);
        }
      }
      src.delete();
      dst.delete();
    }
    kern.delete();
  });
});
