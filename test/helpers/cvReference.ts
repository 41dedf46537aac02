/** OpenCV.js references that the JS filters are compared against in tests. */
import type { Cv } from '../../src/segment/opencv.js';

/** cv.morphologyEx(MORPH_CLOSE) of a w × h gray8 image by a k × k rectangle, as a new array. */
export function cvCloseRect(cv: Cv, img: Uint8Array, w: number, h: number, k: number): Uint8Array {
  const src = cv.matFromArray(h, w, cv.CV_8UC1, img);
  const dst = new cv.Mat();
  const kern = cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(k, k));
  cv.morphologyEx(src, dst, cv.MORPH_CLOSE, kern);
  const out = Uint8Array.from(dst.data as Uint8Array);
  for (const m of [src, dst, kern]) m.delete();
  return out;
}
