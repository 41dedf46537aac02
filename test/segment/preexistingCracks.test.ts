/**
 * Which dark features of the reference are cracks present at the start (filled, so that they
 * show as darkening and are tracked from the first frame) and which are the crystal's own
 * (left in the background and subtracted): a dendrite touching the interface must be dark, not
 * only deep — a trough of the texture that lies in the interface band is not a dendrite.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { limitedRangeGrayMap } from '../../src/ingest/grayConversion.js';
import { canonicalGeometry } from '../../src/segment/orient.js';
import { buildReference, DEFAULT_REFERENCE_OPTIONS, keepCrackLike } from '../../src/segment/reference.js';
import { Segmenter } from '../../src/segment/segmenter.js';
import { mulberry32 } from '../helpers/rng.js';
import { synthFrame, type SynthScene } from '../helpers/synth.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

describe('cracks present at the start', () => {
  it('keepCrackLike keeps an interface-touching feature only when it is dark enough, whatever its shape', () => {
    const cw = 60, ch = 40, iface = new Float32Array(cw).fill(10);
    const opts = { crackElongation: 2.8, touchBandPx: 6, minDepthPx: 6, minContrastRel: 0.3, minTouchContrastRel: 0.2 };
    const dark = new Uint8Array(cw * ch), darkRel = new Float32Array(cw * ch);
    const paint = (u0: number, u1: number, v0: number, v1: number, rel: number) => {
      for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) { dark[v * cw + u] = 1; darkRel[v * cw + u] = rel; }
    };
    paint(3, 5, 14, 32, 0.4); // a narrow crack, dark: kept
    paint(12, 23, 15, 27, 0.12); // a compact faint trough in the band, 17 px deep: cleared
    paint(30, 41, 15, 27, 0.25); // the same shape, dark enough for a dendrite (not for an inclusion): kept
    paint(48, 50, 14, 32, 0.15); // a narrow faint line: cleared
    const kept = keepCrackLike(dark, darkRel, cw, ch, iface, opts);
    expect(kept).toBe(3 * 19 + 12 * 13);
    expect(dark[20 * cw + 4]).toBe(1);
    expect(dark[20 * cw + 17]).toBe(0);
    expect(dark[20 * cw + 35]).toBe(1);
    expect(dark[20 * cw + 49]).toBe(0);
  });

  it('buildReference fills a dark dendrite present at the start, and not the troughs of the crystal\'s texture in the interface band', () => {
    const W = 240, H = 140;
    const scene: SynthScene = { cw: W, ch: H, interfaceV: 20, crystal: 170, electrode: 60, contrast: 0.4, psfSigmaPx: 1.2, noiseSigma: 2, seed: 1 };
    const dendrite = { baseU: 50, tipU: 54, tipV: 70, halfWidthPx: 5 };
    // a static texture of 6 % spread (smoothed seeded noise) over the crystal
    const rnd = mulberry32(99);
    let tex: Float64Array<ArrayBuffer> = Float64Array.from({ length: W * H }, () => rnd() - 0.5);
    for (let pass = 0; pass < 3; pass++) tex = boxBlur(tex, W, H, 3);
    let mean = 0, sq = 0;
    for (const x of tex) { mean += x; sq += x * x; }
    mean /= tex.length;
    const sd = Math.sqrt(sq / tex.length - mean * mean);
    const frame = (k: number): Uint8Array => {
      const f = synthFrame(scene, [dendrite], k);
      for (let i = 22 * W; i < W * H; i++) f[i] = Math.max(0, Math.min(255, Math.round(f[i] * (1 + (0.06 * (tex[i] - mean)) / sd))));
      return f;
    };
    const g = canonicalGeometry(W, H, 'top');
    const frames = [0, 1, 2, 3, 4].map(frame);
    /** Pixels filled (background ≠ median) more than 20 px from the dendrite's axis. */
    const filledAway = (r: ReturnType<typeof buildReference>) => {
      let n = 0;
      for (let v = 0; v < H; v++) for (let u = 0; u < W; u++) if (Math.abs(u - 52) > 20 && r.background[v * W + u] !== r.median[v * W + u]) n++;
      return n;
    };
    // by depth alone (as before) a trough of the texture in the interface band is a dendrite present at the start
    const byDepth = buildReference(frames, g, { ...DEFAULT_REFERENCE_OPTIONS, dendriteContrast: 0 });
    expect(filledAway(byDepth)).toBeGreaterThan(20);
    const ref = buildReference(frames, g);
    // the dendrite's core is filled with the crystal around it (≥ 25 % above the median there)…
    expect(ref.background[40 * W + 51]).toBeGreaterThan(1.25 * ref.median[40 * W + 51]);
    // …and nothing else
    expect(filledAway(ref)).toBe(0);
    // a later frame shows the dendrite as the one interface-touching region
    const seg = new Segmenter(cv, ref);
    const touching = seg.segment(frame(9)).regions.filter((r) => r.touchesInterface);
    expect(touching.length).toBe(1);
    expect(touching[0].uMin).toBeLessThanOrEqual(50);
    expect(touching[0].uMax).toBeGreaterThanOrEqual(54);
    seg.dispose();
    // (with the troughs filled, they show as more)
    const segByDepth = new Segmenter(cv, byDepth);
    expect(segByDepth.segment(frame(9)).regions.filter((r) => r.touchesInterface).length).toBeGreaterThan(1);
    segByDepth.dispose();
  });
});

describe('a limited-range recording', () => {
  it('buildReference with the gray map applied to the median equals it on every frame mapped, bit for bit', () => {
    const W = 200, H = 120;
    const scene: SynthScene = { cw: W, ch: H, interfaceV: 18, crystal: 180, electrode: 50, contrast: 0.45, psfSigmaPx: 1.2, noiseSigma: 3, seed: 4 };
    const dendrites = [{ baseU: 40, tipU: 46, tipV: 75, halfWidthPx: 4 }, { baseU: 140, tipU: 132, tipV: 60, halfWidthPx: 3 }];
    const map = limitedRangeGrayMap();
    // the frames as a limited-range decoder delivers them (16–235), and as the table maps them back
    const raw = [0, 1, 2, 3, 4].map((k) => synthFrame(scene, dendrites, k).map((x) => Math.round(16 + (x * 219) / 255)));
    const g = canonicalGeometry(W, H, 'top');
    const mapped = buildReference(raw.map((f) => f.map((x) => map[x])), g, DEFAULT_REFERENCE_OPTIONS);
    const deferred = buildReference(raw, g, DEFAULT_REFERENCE_OPTIONS, map);
    expect(deferred.median).toEqual(mapped.median);
    expect(deferred.background).toEqual(mapped.background);
    expect(deferred.iface.vPx).toEqual(mapped.iface.vPx);
    expect(deferred.noiseSigmaRel).toBe(mapped.noiseSigmaRel);
    // the scene is not trivial: the dendrites are filled in the background
    let filled = 0;
    for (let i = 0; i < W * H; i++) if (mapped.background[i] !== mapped.median[i]) filled++;
    expect(filled).toBeGreaterThan(200);
  });
});

/** Box blur of half-width r, separable, borders clamped (the texture of the test scene). */
function boxBlur(a: Float64Array, w: number, h: number, r: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(w * h), c = new Float64Array(w * h);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += a[v * w + Math.min(w - 1, Math.max(0, u + k))];
      b[v * w + u] = s / (2 * r + 1);
    }
  }
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += b[Math.min(h - 1, Math.max(0, v + k)) * w + u];
      c[v * w + u] = s / (2 * r + 1);
    }
  }
  return c;
}
