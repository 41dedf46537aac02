/**
 * The SIMD blur kernels (simdBlur.wat) equal cv.GaussianBlur (5 × 5 and 3 × 3, σ 0, BORDER_REPLICATE on a
 * sub-matrix of the whole image) bit for bit, on rectangles inside the image, along every edge,
 * narrower than four pixels and one row high, on an image whose width is not a multiple of 4;
 * and the committed module (simdBlurWasm.ts) is the one its source compiles to.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { SimdBlur } from '../../src/segment/simdBlur.js';
import { mulberry32 } from '../helpers/rng.js';
import { canonicalGeometry } from '../../src/segment/orient.js';
import { buildReference } from '../../src/segment/reference.js';
import { Segmenter } from '../../src/segment/segmenter.js';
import { synthFrame, type SynthScene } from '../helpers/synth.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

describe('SimdBlur', () => {
  for (const ks of [5, 3] as const) it(`${ks} × ${ks}: equals cv.GaussianBlur bit for bit on 12 rectangles of a 203 × 97 image (inside, edges, corners, 1-pixel)`, () => {
    const cw = 203, ch = 97;
    const rand = mulberry32(5);
    const b = new SimdBlur(cw, ch);
    for (let i = 0; i < cw * ch; i++) b.D[i] = Math.fround((rand() - 0.3) * 0.2 * (rand() < 0.05 ? 20 : 1));
    const src = cv.matFromArray(ch, cw, cv.CV_32FC1, Array.from(b.D));
    const dst = new cv.Mat(ch, cw, cv.CV_32FC1);
    const rects = [
      { x: 40, y: 30, w: 100, h: 40 }, { x: 0, y: 0, w: cw, h: ch }, { x: 0, y: 10, w: 7, h: 20 }, { x: cw - 9, y: 50, w: 9, h: 47 },
      { x: 5, y: 0, w: 50, h: 3 }, { x: 100, y: ch - 2, w: 60, h: 2 }, { x: 77, y: 44, w: 1, h: 1 }, { x: 80, y: 60, w: 3, h: 5 },
      { x: 1, y: 1, w: 201, h: 95 }, { x: 198, y: 0, w: 5, h: 1 }, { x: 150, y: 20, w: 13, h: 1 }, { x: 2, y: 90, w: 4, h: 7 },
    ];
    let compared = 0;
    for (const r of rects) {
      const rc = new cv.Rect(r.x, r.y, r.w, r.h);
      const s = src.roi(rc), d = dst.roi(rc);
      cv.GaussianBlur(s, d, new cv.Size(ks, ks), 0, 0, cv.BORDER_REPLICATE);
      s.delete();
      d.delete();
      b.Db.fill(NaN);
      if (ks === 5) b.blur5(r);
      else b.blur3(r);
      const want = dst.data32F as Float32Array;
      for (let v = r.y; v < r.y + r.h; v++) {
        for (let u = r.x; u < r.x + r.w; u++) {
          const i = v * cw + u;
          if (!Object.is(b.Db[i], want[i])) throw new Error(`rect ${JSON.stringify(r)}: (${u}, ${v}) ${b.Db[i]} ≠ ${want[i]}`);
          compared++;
        }
      }
      // nothing written outside the rectangle
      let outside = 0;
      for (let i = 0; i < cw * ch; i++) if (!Number.isNaN(b.Db[i])) outside++;
      expect(outside).toBe(r.w * r.h);
    }
    src.delete();
    dst.delete();
    expect(compared).toBeGreaterThan(cw * ch);
  });

  it('a configured blur other than 5 × 5 (7 × 7, via OpenCV on copies) gives cv.GaussianBlur of the darkening, whole frame and rectangles', () => {
    const scene: SynthScene = { cw: 160, ch: 120, interfaceV: 20, crystal: 170, electrode: 60, contrast: 0.35, psfSigmaPx: 1.2, noiseSigma: 3, seed: 3 };
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const img = synthFrame(scene, [{ baseU: 80, tipU: 84, tipV: 90, halfWidthPx: 5 }], 9);
    const seg = new Segmenter(cv, ref, { blurSizePx: 7 });
    const whole = seg.segment(img);
    const D = Float32Array.from(whole.darkening), Db = Float32Array.from(whole.darkeningBlurred);
    const src = cv.matFromArray(scene.ch, scene.cw, cv.CV_32FC1, Array.from(D)), dst = new cv.Mat();
    cv.GaussianBlur(src, dst, new cv.Size(7, 7), 0, 0, cv.BORDER_REPLICATE);
    expect(Array.from(Db)).toEqual(Array.from(dst.data32F as Float32Array));
    src.delete();
    dst.delete();
    expect(whole.regions.filter((r) => r.touchesInterface)).toHaveLength(1);
    // on rectangles: the same blur inside them
    const r = { x: 48, y: 16, w: 64, h: 96 };
    const part = seg.segment(img, [r]);
    for (let v = r.y; v < r.y + r.h; v++) for (let u = r.x; u < r.x + r.w; u++) expect(part.darkeningBlurred[v * scene.cw + u]).toBe(Db[v * scene.cw + u]);
    seg.dispose();
  });

  it('the committed module is what simdBlur.wat compiles to (node scripts/build-wasm.mjs)', async () => {
    // @ts-expect-error a plain-JavaScript build script
    const { kernelModule, KERNELS } = await import('../../scripts/build-wasm.mjs');
    for (const k of KERNELS as Array<{ wat: string; ts: string; name: string }>) {
      expect(await kernelModule(k.wat, readFileSync(k.wat, 'utf8'), k.name)).toBe(readFileSync(k.ts, 'utf8'));
    }
  });
});
