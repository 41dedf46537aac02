import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { canonicalGeometry } from '../../src/segment/orient.js';
import { buildReference } from '../../src/segment/reference.js';
import { Segmenter } from '../../src/segment/segmenter.js';
import { BRANCH_STICKY_FRAMES, branchEnds, branchSearchFor, DEFAULT_TIP_OPTIONS, findTips } from '../../src/track/findTips.js';
import { DEFAULT_BRANCH_OPTIONS } from '../../src/track/branchTips.js';
import { synthFrame, type SynthScene } from '../helpers/synth.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

const scene: SynthScene = { cw: 160, ch: 120, interfaceV: 20, crystal: 170, electrode: 60, contrast: 0.35, psfSigmaPx: 1.2, noiseSigma: 3, seed: 1 };

function run(sc: SynthScene, tips: Array<{ u: number; v: number }>, baseU: number, hw = 5) {
  const g = canonicalGeometry(sc.cw, sc.ch, 'top');
  const refFrames = [0, 1, 2, 3, 4].map((k) => synthFrame(sc, [], k));
  const ref = buildReference(refFrames, g);
  const seg = new Segmenter(cv, ref);
  const img = synthFrame(sc, tips.map((t) => ({ baseU, tipU: t.u, tipV: t.v, halfWidthPx: hw })), 99);
  const res = seg.segment(img);
  const found = findTips(res, ref, ref.noiseSigmaRel);
  seg.dispose();
  return { ref, found };
}

/**
 * A side branch leaving the trunk of a dendrite based at u = 60 at v ≈ 80 towards (88, 68) (a
 * shoulder of the depth profile, not a maximum: a branch end, not a leading tip), 2 px
 * half-width, darkened 35 %.
 */
function paintSideBranch(img: Uint8Array, sc: SynthScene): void {
  for (let s = 0; s <= 1; s += 0.002) {
    const u0 = 63 + 25 * s, v0 = 80 - 12 * s;
    for (let dv = -2; dv <= 2; dv++) for (let du = -2; du <= 2; du++) {
      const u = Math.round(u0 + du), v = Math.round(v0 + dv), i = v * sc.cw + u;
      if (Math.hypot(u - u0, v - v0) <= 2 && !(img[i] < 0.7 * sc.crystal)) img[i] = Math.round(0.65 * sc.crystal);
    }
  }
}

describe('dendrite tips on synthetic frames (truth = wedge apex)', () => {
  it('finds the interface of a wavy dark electrode within 0.25 px', () => {
    const { ref } = run(scene, [{ u: 80, v: 70 }], 80);
    let maxErr = 0;
    for (let u = 5; u < scene.cw - 5; u++) maxErr = Math.max(maxErr, Math.abs(ref.iface.vPx[u] - (scene.interfaceV + 1.5 * Math.sin(u / 9))));
    expect(maxErr).toBeLessThan(0.25);
  });

  // A slender wedge (half-angle ≈ 7–10°) is the hard case: its tip thins below a pixel, and
  // the power-law/wedge model choice (edgeFit.ts) trades a few tenths of a pixel of bias.
  it('sub-pixel tip along the growth axis of a slender wedge: RMSE < 1.2 px, |bias| < 0.6 px over 16 positions (noise σ 3)', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const seg = new Segmenter(cv, ref);
    const errs: number[] = [];
    for (let k = 0; k < 16; k++) {
      const tv = 55 + k * 1.37;
      const res = seg.segment(synthFrame(scene, [{ baseU: 80.3, tipU: 80.3, tipV: tv, halfWidthPx: 10 }], 100 + k));
      const found = findTips(res, ref, ref.noiseSigmaRel);
      expect(found.length).toBe(1);
      expect(Math.abs(found[0].u - 80.3)).toBeLessThan(0.5);
      errs.push(found[0].v - tv);
    }
    seg.dispose();
    const rmse = Math.sqrt(errs.reduce((s, e) => s + e * e, 0) / errs.length);
    const bias = errs.reduce((s, e) => s + e, 0) / errs.length;
    expect(rmse).toBeLessThan(1.2);
    expect(Math.abs(bias)).toBeLessThan(0.6);
  });

  it('noise-free wedge tip within 0.5 px', () => {
    const sc = { ...scene, noiseSigma: 0 };
    for (const tv of [60.0, 60.5, 73.4]) {
      const { found } = run(sc, [{ u: 80.3, v: tv }], 80.3, 8);
      expect(found.length).toBe(1);
      expect(Math.abs(found[0].v - tv)).toBeLessThan(0.5);
    }
  });

  it('two dendrites joined at the base give two tips', () => {
    const { found } = run(scene, [{ u: 60, v: 90 }, { u: 105, v: 70 }], 82, 10);
    expect(found.length).toBe(2);
    expect(Math.abs(found[0].u - 60)).toBeLessThan(1);
    expect(Math.abs(found[0].v - 90)).toBeLessThan(1);
    expect(Math.abs(found[1].u - 105)).toBeLessThan(1);
    expect(Math.abs(found[1].v - 70)).toBeLessThan(1);
  });

  it('dust not touching the interface is not a dendrite', () => {
    const sc = { ...scene, dust: [[40, 80, 3] as [number, number, number]] };
    const { found } = run(sc, [{ u: 110, v: 70 }], 110, 10);
    expect(found.length).toBe(1);
    expect(Math.abs(found[0].u - 110)).toBeLessThan(0.8);
  });

  it('a side branch: the same tips and branch ends whether the region is read from its runs (labelSpans) or by scanning its box', () => {
    const g = canonicalGeometry(scene.cw, scene.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), g);
    const seg = new Segmenter(cv, ref);
    const img = synthFrame(scene, [{ baseU: 60, tipU: 62, tipV: 105, halfWidthPx: 5 }], 99);
    paintSideBranch(img, scene);
    const res = seg.segment(img);
    expect(res.labelSpans?.length).toBeGreaterThan(0);
    const opts = { ...DEFAULT_TIP_OPTIONS, branches: DEFAULT_BRANCH_OPTIONS };
    const withRuns = findTips(res, ref, ref.noiseSigmaRel, opts);
    const byScan = findTips({ ...res, labelSpans: undefined }, ref, ref.noiseSigmaRel, opts);
    seg.dispose();
    const branches = withRuns.filter((t) => t.branch);
    expect(branches.length).toBe(1);
    // the branch end near (88, 68), within its half-width
    expect(Math.hypot(branches[0].u - 88, branches[0].v - 68)).toBeLessThan(3);
    expect(withRuns).toEqual(byScan);
  });

  it('branch search: all dendrites, none, or those near an earlier branch end (BranchSearch)', () => {
    const sc = { ...scene, cw: 200 };
    const g = canonicalGeometry(sc.cw, sc.ch, 'top');
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(sc, [], k)), g);
    const seg = new Segmenter(cv, ref);
    // a dendrite with a side branch towards (88, 68) (as above) and a straight one at u ≈ 160
    const img = synthFrame(sc, [{ baseU: 60, tipU: 62, tipV: 105, halfWidthPx: 5 }, { baseU: 160, tipU: 158, tipV: 90, halfWidthPx: 5 }], 99);
    paintSideBranch(img, sc);
    const res = seg.segment(img);
    const opts = { ...DEFAULT_TIP_OPTIONS, branches: DEFAULT_BRANCH_OPTIONS };
    const all = findTips(res, ref, ref.noiseSigmaRel, opts);
    const none = findTips(res, ref, ref.noiseSigmaRel, opts, [], { all: false, near: [] });
    // an earlier frame's branch end 6 px from today's, inside the branched dendrite's box: searched
    const near = findTips(res, ref, ref.noiseSigmaRel, opts, [], { all: false, near: [84, 72] });
    // one beside the straight dendrite only (its box, not the branched one's): that one is searched, and has none
    const other = findTips(res, ref, ref.noiseSigmaRel, opts, [], { all: false, near: [170, 60] });
    seg.dispose();
    const leads = all.filter((t) => !t.branch);
    expect(leads.length).toBe(2);
    expect(branchEnds(all).length).toBe(2); // one branch end, (u, v)
    expect(Math.hypot(branchEnds(all)[0] - 88, branchEnds(all)[1] - 68)).toBeLessThan(3);
    expect(none).toEqual(leads); // the leading tips are found all the same
    expect(near).toEqual(all);
    expect(other).toEqual(leads);
    // all dendrites on the first frame of every cycle, every frame with a cycle of 1
    expect([0, 1, 2, 5, 6, 7, 8, 15].map((k) => branchSearchFor(k, 6, []).all)).toEqual([true, false, false, false, true, false, false, false]);
    expect([0, 1, 2, 3, 4].every((k) => branchSearchFor(k, 1, []).all)).toBe(true);
    // between them: near the branch ends of frames k − 1 … k − BRANCH_STICKY_FRAMES
    const recent = [3, 4, 5, 6, 7, 8].map((ordinal) => ({ ordinal, ends: [ordinal, 100 + ordinal] }));
    expect(branchSearchFor(9, 6, recent).near).toEqual([5, 105, 6, 106, 7, 107, 8, 108].slice(-2 * BRANCH_STICKY_FRAMES));
    expect(BRANCH_STICKY_FRAMES).toBe(4);
  });
});
