/**
 * Segmenting only rectangles around what is known (RoiScheduler) must give, inside them, exactly
 * what segmenting the whole frame gives: same regions (area, box, deepest row per column,
 * centroid sums, interface contact) and same labels, also for a region that crosses the seam
 * between two touching rectangles.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { canonicalGeometry } from '../../src/segment/orient.js';
import { buildReference } from '../../src/segment/reference.js';
import { RoiScheduler, tileRuns } from '../../src/segment/roiScheduler.js';
import { Segmenter, type CrackRegion, type RectPx } from '../../src/segment/segmenter.js';
import { robustSigmaInPlace } from '../../src/core/quantile.js';
import { synthFrame, type SynthScene } from '../helpers/synth.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

const scene: SynthScene = { cw: 320, ch: 256, interfaceV: 20, crystal: 170, electrode: 60, contrast: 0.35, psfSigmaPx: 1.2, noiseSigma: 3, seed: 7 };
// three dendrites; the middle one (base u 150) crosses the tile seams at v = 64 and 128
const dendrites = [
  { baseU: 60, tipU: 62, tipV: 70, halfWidthPx: 5 },
  { baseU: 150, tipU: 158, tipV: 150, halfWidthPx: 6 },
  { baseU: 250, tipU: 246, tipV: 52, halfWidthPx: 4 },
];

const key = (r: CrackRegion) => `${r.uMin},${r.uMax},${r.vMin},${r.vMax},${r.areaPx},${r.sumU},${r.sumV},${r.touchesInterface},${Array.from(r.extentV).join(':')}`;

describe('segmenting rectangles gives the whole frame\'s result inside them', () => {
  it('same regions and labels for dendrites inside tile runs, joined across tile seams', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const img = synthFrame(scene, dendrites, 42);
    const whole = new Segmenter(cv, ref);
    const a = whole.segment(img);
    const aRegions = a.regions.filter((r) => r.touchesInterface).map((r) => ({ key: key(r), label: r.label, r }));
    const aLabels = Int32Array.from(a.labels);
    expect(aRegions.length).toBe(3);

    // tiles of 64 px around each dendrite's box + 24 px: the middle one spans 3 tile rows
    const boxes: RectPx[] = aRegions.map(({ r }) => ({ x: r.uMin - 24, y: r.vMin - 24, w: r.uMax - r.uMin + 49, h: r.vMax - r.vMin + 49 }));
    const rects = tileRuns(boxes, g.cw, g.ch, 64, false);
    expect(new Set(rects.map((r) => r.y)).size).toBeGreaterThanOrEqual(3); // seams at v = 64 and 128
    const part = new Segmenter(cv, ref);
    part.sigmaBlurRel = whole.sigmaBlurRel; // (as after a whole frame)
    const b = part.segment(img, rects);
    const bRegions = b.regions.filter((r) => r.touchesInterface);
    expect(bRegions.map(key).sort()).toEqual(aRegions.map((x) => x.key).sort());
    // labels: the same pixel sets (numbers may differ)
    for (const { r, label } of aRegions) {
      const match = bRegions.find((q) => key(q) === key(r))!;
      for (let v = r.vMin; v <= r.vMax; v++) {
        for (let u = r.uMin; u <= r.uMax; u++) {
          const i = v * g.cw + u;
          expect(aLabels[i] === label).toBe(b.labels[i] === match.label);
        }
      }
    }
    // darkening inside the rectangles equals the whole frame's (blur read the same neighbourhood)
    let maxDiff = 0;
    for (const rc of rects) for (let v = rc.y; v < rc.y + rc.h; v++) for (let u = rc.x; u < rc.x + rc.w; u++) {
      const i = v * g.cw + u;
      maxDiff = Math.max(maxDiff, Math.abs(a.darkeningBlurred[i] - b.darkeningBlurred[i]));
    }
    expect(maxDiff).toBe(0);
    whole.dispose();
    part.dispose();
  });

  it('the scheduler segments whole frames every N frames and tile runs around the known regions in between', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const s = new RoiScheduler(g.cw, g.ch, ref.iface.vPx, { fullEveryFrames: 4, maxCoverage: 0.9 });
    const seg = new Segmenter(cv, ref);
    const plans: Array<RectPx[] | null> = [];
    for (let k = 0; k < 8; k++) {
      const rects = s.next();
      plans.push(rects);
      s.observe(seg.segment(synthFrame(scene, dendrites, 50 + k), rects).regions);
    }
    expect(plans.map((p) => (p === null ? 'W' : 'R')).join('')).toBe('WRRRWRRR');
    // the rectangles cover the dendrites (and, every bandEveryFrames-th frame, the interface band), not the empty crystal below
    const covered = plans[1]!.reduce((acc, r) => acc + r.w * r.h, 0) / (g.cw * g.ch);
    expect(covered).toBeGreaterThan(0.2);
    expect(covered).toBeLessThan(0.7);
    const inside = (u: number, v: number) => plans[1]!.some((r) => u >= r.x && u < r.x + r.w && v >= r.y && v < r.y + r.h);
    for (const d of dendrites) expect(inside(d.tipU, d.tipV)).toBe(true);
    expect(inside(300, 240)).toBe(false);
    seg.dispose();
  });

  it('labels written into alternating outside buffers (useLabelBuffer, as for the tip worker) equal the segmenter\'s own, 0 outside the rectangles', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const own = new Segmenter(cv, ref, {}, { fullEveryFrames: 4, maxCoverage: 0.9 });
    const ext = new Segmenter(cv, ref, {}, { fullEveryFrames: 4, maxCoverage: 0.9 });
    // two buffers, the second one dirty to begin with (a buffer is cleared when first used)
    const bufs = [new Int32Array(g.cw * g.ch), new Int32Array(g.cw * g.ch).fill(7)];
    let kinds = '';
    for (let k = 0; k < 10; k++) {
      // the dendrites grow, so the labelled pixels move from frame to frame
      const ds = dendrites.map((d) => ({ ...d, tipV: d.tipV - 20 + 4 * k }));
      const img = synthFrame(scene, ds, 50 + k);
      const a = own.segmentNext(img);
      ext.useLabelBuffer(bufs[k % 2]);
      const b = ext.segmentNext(img);
      kinds += own.lastKind[0];
      expect(b.labels).toBe(bufs[k % 2]);
      expect(b.regions.map(key)).toEqual(a.regions.map(key));
      // the same labels everywhere: equal inside the rectangles, and 0 (not a stale frame's) outside
      expect(Buffer.compare(Buffer.from(b.labels.buffer), Buffer.from(a.labels.buffer))).toBe(0);
    }
    expect(kinds).toContain('r'); // rectangles, not only whole frames
    own.dispose();
    ext.dispose();
  });

  it('between whole frames the interface band is in every bandEveryFrames-th plan; known cracks in every plan', () => {
    const cw = 640, ch = 480, tile = 16;
    const iface = new Float32Array(cw).fill(10);
    const s = new RoiScheduler(cw, ch, iface, { fullEveryFrames: 8, marginPx: 16, tilePx: tile, bandPx: 8, bandEveryFrames: 3, maxCoverage: 0.9 });
    // one short dendrite from the interface at u = 300
    const labels = new Int32Array(cw * ch);
    for (let v = 10; v <= 60; v++) for (let u = 298; u <= 302; u++) labels[v * cw + u] = 1;
    const region: CrackRegion = { label: 1, areaPx: 51 * 5, touchesInterface: true, uMin: 298, uMax: 302, vMin: 10, vMax: 60, extentV: new Int32Array(5), sumU: 0, sumV: 0 };
    const bandAt = (rects: RectPx[] | null, u: number) => rects === null || rects.some((r) => u >= r.x && u < r.x + r.w && 12 >= r.y && 12 < r.y + r.h);
    const seen: string[] = [];
    for (let k = 0; k < 16; k++) {
      const rects = s.next();
      // the dendrite's tip is always covered; the band far from it (u = 50) only in whole frames and every 3rd
      expect(bandAt(rects, 300) && (rects === null || rects.some((r) => 300 >= r.x && 300 < r.x + r.w && 60 >= r.y && 60 < r.y + r.h))).toBe(true);
      seen.push(rects === null ? 'W' : bandAt(rects, 50) ? 'B' : '-');
      s.observe([region], labels);
    }
    expect(seen.join('')).toBe('W--B--B-W--B--B-');
  });

  it('a long tilted crack is followed by its own tiles (every pixel within the margin covered), not by its bounding box', () => {
    const cw = 640, ch = 480, margin = 24, tile = 16;
    const iface = new Float32Array(cw).fill(10);
    const s = new RoiScheduler(cw, ch, iface, { fullEveryFrames: 100, marginPx: margin, tilePx: tile, bandPx: 8, maxCoverage: 0.9 });
    // a 6-px-wide crack from (40, 12) to (600, 460): 45° tilt, box 566 × 454 px
    const labels = new Int32Array(cw * ch);
    let area = 0, uMin = cw, uMax = 0, vMin = ch, vMax = 0;
    for (let v = 12; v <= 460; v++) for (let u = 0; u < cw; u++) {
      const uc = 40 + ((v - 12) * 560) / 448;
      if (Math.abs(u - uc) <= 3) {
        labels[v * cw + u] = 5;
        area++;
        uMin = Math.min(uMin, u); uMax = Math.max(uMax, u); vMin = Math.min(vMin, v); vMax = Math.max(vMax, v);
      }
    }
    const region: CrackRegion = { label: 5, areaPx: area, touchesInterface: true, uMin, uMax, vMin, vMax, extentV: new Int32Array(uMax - uMin + 1), sumU: 0, sumV: 0 };
    expect(s.next()).toBeNull(); // first frame: whole
    s.observe([region], labels);
    const rects = s.next()!;
    expect(rects).not.toBeNull();
    const inside = (u: number, v: number) => rects.some((r) => u >= r.x && u < r.x + r.w && v >= r.y && v < r.y + r.h);
    // every pixel within `margin` (Chebyshev) of the crack is covered
    for (let v = vMin; v <= vMax; v += 3) for (let u = uMin; u <= uMax; u += 3) {
      if (labels[v * cw + u] !== 5) continue;
      for (const [du, dv] of [[-margin, 0], [margin, 0], [0, -margin], [0, margin], [-margin, -margin], [margin, margin], [margin, -margin], [-margin, margin]]) {
        const uu = u + du, vv = v + dv;
        if (uu >= 0 && uu < cw && vv >= 0 && vv < ch) expect(inside(uu, vv)).toBe(true);
      }
    }
    // the rectangles do not overlap, and cover far less than the grown box
    const covered = rects.reduce((a, r) => a + r.w * r.h, 0);
    const boxArea = (uMax - uMin + 1 + 2 * margin) * (vMax - vMin + 1 + 2 * margin);
    expect(covered).toBeLessThan(0.4 * boxArea);
    for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
      const a = rects[i], b = rects[j];
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      expect(overlap).toBe(false);
    }
    // the same tiles from the label image's runs (the segmenter's labelSpans) as from scanning the box
    const spans: number[] = [];
    for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
      if (labels[v * cw + u] === 0 || (u > 0 && labels[v * cw + u - 1] === labels[v * cw + u])) continue;
      let e = u + 1;
      while (e < cw && labels[v * cw + e] === labels[v * cw + u]) e++;
      spans.push(v, u, e);
    }
    const fromRuns = new RoiScheduler(cw, ch, iface, { fullEveryFrames: 100, marginPx: margin, tilePx: tile, bandPx: 8, maxCoverage: 0.9 });
    fromRuns.next();
    fromRuns.observe([region], labels, Int32Array.from(spans));
    expect(fromRuns.next()).toEqual(rects);
    // and the snapshot restores the same plan
    const snap = JSON.parse(JSON.stringify(s.snapshot()));
    const t = new RoiScheduler(cw, ch, iface, { fullEveryFrames: 100, marginPx: margin, tilePx: tile, bandPx: 8, maxCoverage: 0.9 });
    t.restore(snap);
    expect(t.next()).toEqual(s.next());
  });

  it('the first and the periodic whole frames at half resolution find what appeared away from the plan, with the whole frame\'s exact regions and noise σ', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const seg = new Segmenter(cv, ref, {}, { fullEveryFrames: 4, maxCoverage: 0.9 });
    const kinds: string[] = [];
    const whole = new Segmenter(cv, ref);
    for (let k = 0; k < 4; k++) {
      const f = synthFrame(scene, dendrites, 60 + k);
      const r = seg.segmentNext(f);
      kinds.push(seg.lastKind);
      if (k === 0) {
        // the first frame too: half-resolution detection, then full resolution on the band and
        // what it found — the whole frame's regions and noise σ
        const w = whole.segment(f);
        expect(seg.sigmaBlurRel).toBe(whole.sigmaBlurRel);
        expect(r.regions.map(key).sort()).toEqual(w.regions.map(key).sort());
        expect(r.regions.length).toBe(3);
      }
    }
    // frame 4: a speck of dark matter appears far from everything known
    const img = synthFrame({ ...scene, dust: [[280, 215, 4]] }, dendrites, 64);
    const b = seg.segmentNext(img);
    kinds.push(seg.lastKind);
    expect(kinds).toEqual(['coarse', 'rects', 'rects', 'rects', 'coarse']);
    const a = whole.segment(img);
    expect(seg.sigmaBlurRel).toBe(whole.sigmaBlurRel);
    const dust = a.regions.filter((r) => !r.touchesInterface && r.uMin > 260 && r.vMin > 195);
    expect(dust.length).toBe(1);
    expect(b.regions.map(key).sort()).toEqual(a.regions.map(key).sort());
    seg.dispose();
    whole.dispose();
  });

  it('a frame segmented on rectangles measures its own noise σ at the noise samples of every 4th grid row (the whole frame\'s blur there, bit for bit); with rectNoiseStride 0 it keeps the last whole frame\'s', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const seg = new Segmenter(cv, ref, {}, { fullEveryFrames: 12, maxCoverage: 0.9 });
    const kept = new Segmenter(cv, ref, { rectNoiseStride: 0 }, { fullEveryFrames: 12, maxCoverage: 0.9 });
    const whole = new Segmenter(cv, ref);
    // frame 0 (whole) as noisy as the reference; then twice as noisy (far from a key frame)
    const sigmas: number[] = [];
    for (let k = 0; k < 4; k++) {
      const f = synthFrame({ ...scene, noiseSigma: k === 0 ? 3 : 6 }, dendrites, 80 + k);
      seg.segmentNext(f);
      kept.segmentNext(f);
      const w = whole.segment(f);
      expect([seg.lastKind, kept.lastKind]).toEqual(k === 0 ? ['coarse', 'coarse'] : ['rects', 'rects']);
      if (k === 0) {
        expect(seg.sigmaBlurRel).toBe(whole.sigmaBlurRel);
        expect(kept.sigmaBlurRel).toBe(whole.sigmaBlurRel);
        sigmas.push(whole.sigmaBlurRel);
        continue;
      }
      const si = seg.rectNoiseSamples;
      const sb = Float64Array.from(si, (i) => w.darkeningBlurred[i]);
      expect(seg.sigmaBlurRel).toBe(Math.max(robustSigmaInPlace(sb), 1e-4));
      // a quarter of the whole frame's samples, and within 5 % of its σ
      expect(si.length).toBeGreaterThan(2000);
      expect(Math.abs(seg.sigmaBlurRel / whole.sigmaBlurRel - 1)).toBeLessThan(0.05);
      expect(kept.sigmaBlurRel).toBe(sigmas[0]);
      // (the noise doubled: the kept σ is half the frame's)
      expect(whole.sigmaBlurRel / sigmas[0]).toBeGreaterThan(1.7);
    }
    for (const s of [seg, kept, whole]) s.dispose();
  });

  it('a small crystal: a rectangle frame measures σ at no fewer than 2000 samples (all of them where there are fewer)', () => {
    for (const [cw, ch, want] of [[120, 60, 2000], [60, 40, -1]] as Array<[number, number, number]>) {
      const small: SynthScene = { ...scene, cw, ch, interfaceV: 12 };
      const ref = buildReference([0, 1, 2].map((k) => synthFrame(small, [], k)), canonicalGeometry(cw, ch, 'top'));
      const seg = new Segmenter(cv, ref);
      const all = new Segmenter(cv, ref, { rectNoiseStride: 1 }).rectNoiseSamples.length;
      expect(all).toBeGreaterThan(want < 0 ? 100 : 3000);
      expect(seg.rectNoiseSamples.length).toBe(want < 0 ? Math.min(all, 2000) : want);
      if (want < 0) expect(all).toBeLessThan(2000);
      seg.dispose();
    }
  });
});
