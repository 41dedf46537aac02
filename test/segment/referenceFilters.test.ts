/**
 * The reference's own filters against OpenCV.js, which they replace for speed:
 * closeRect = cv.morphologyEx(MORPH_CLOSE, MORPH_RECT) exactly; gaussianAtPoints = cv.GaussianBlur
 * (32F, BORDER_REPLICATE) at the requested points to float precision.
 */
import { describe, expect, it } from 'vitest';
import { loadOpenCv } from '../../src/segment/opencv.js';
import { closeRect, rectFilter } from '../../src/segment/rectMorphology.js';
import { gaussianAtPoints, gaussianKernel } from '../../src/segment/sparseGaussian.js';
import { cvCloseRect } from '../helpers/cvReference.js';

function randomImage(w: number, h: number, seed: number): Uint8Array {
  const a = new Uint8Array(w * h);
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    // texture + a few dark lines, so closing has something to do
    a[i] = (s >>> 24) % 2 ? 200 + ((s >>> 16) & 31) : 40 + ((s >>> 8) & 63);
  }
  return a;
}

describe('reference filters', () => {
  it('closeRect equals cv.morphologyEx(MORPH_CLOSE, rect) for k = 3, 7, 31 on odd-sized images (borders included)', async () => {
    const cv = await loadOpenCv();
    for (const [w, h, k] of [[37, 23, 3], [64, 50, 7], [101, 77, 31], [20, 15, 31]]) {
      const img = randomImage(w, h, w * h + k);
      const ref = cvCloseRect(cv, img, w, h, k);
      const mine = closeRect(img, w, h, k);
      let diff = 0;
      for (let i = 0; i < ref.length; i++) if (ref[i] !== mine[i]) diff++;
      expect(diff, `${w}×${h} k=${k}`).toBe(0);
    }
  });

  it('rectFilter with a non-square rectangle equals cv.dilate / cv.erode', async () => {
    const cv = await loadOpenCv();
    const w = 53, h = 41;
    const img = randomImage(w, h, 7);
    for (const op of ['max', 'min'] as const) {
      const src = cv.matFromArray(h, w, cv.CV_8UC1, img);
      const dst = new cv.Mat();
      const kern = cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(9, 5)); // 9 wide, 5 high
      if (op === 'max') cv.dilate(src, dst, kern);
      else cv.erode(src, dst, kern);
      const ref = Uint8Array.from(dst.data as Uint8Array);
      for (const m of [src, dst, kern]) m.delete();
      const mine = rectFilter(img, w, h, 9, 5, op);
      expect(Array.from(mine)).toEqual(Array.from(ref));
    }
  });

  it('gaussianAtPoints equals cv.GaussianBlur (32F, replicate) at the points, to 1e-4 relative', async () => {
    const cv = await loadOpenCv();
    const w = 120, h = 90, sigma = 10.3, ks = 2 * Math.ceil(3 * sigma) + 1;
    const img = Float32Array.from(randomImage(w, h, 3));
    const src = cv.matFromArray(h, w, cv.CV_32FC1, img);
    const dst = new cv.Mat();
    cv.GaussianBlur(src, dst, new cv.Size(ks, ks), sigma, sigma, cv.BORDER_REPLICATE);
    const ref = Float32Array.from(dst.data32F as Float32Array);
    src.delete();
    dst.delete();
    // points at the corners, the edges and inside
    const pts: Array<[number, number]> = [[0, 0], [w - 1, h - 1], [0, h - 1], [w - 1, 0], [5, 44], [60, 2], [61, 45], [119, 30]];
    const got = gaussianAtPoints(img, w, h, gaussianKernel(ks, sigma), Int32Array.from(pts.map((p) => p[0])), Int32Array.from(pts.map((p) => p[1])));
    pts.forEach(([u, v], i) => expect(Math.abs(got[i] - ref[v * w + u]) / ref[v * w + u]).toBeLessThan(1e-4));
  });
});
