/**
 * Temporal hysteresis (Segmenter: components' prevKept): a dendrite the frame before kept is kept
 * again when its darkening dips under the seed threshold (`high`) but stays above `low`, touching
 * the interface — a Li-filled crack does not vanish from one frame to the next. A segmenter that
 * never saw it (or a resumed run whose checkpoint lost it) misses it in that frame. Synthetic
 * scene: a dendrite at 30 % contrast, then the same one at 2.2 %, which alone has no pixel ≥ high.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { restoreSegmenter, snapshotSegmenter } from '../../src/pipeline/checkpoint.js';
import { loadOpenCv, type Cv } from '../../src/segment/opencv.js';
import { canonicalGeometry } from '../../src/segment/orient.js';
import { buildReference } from '../../src/segment/reference.js';
import { Segmenter, type SegmentResult } from '../../src/segment/segmenter.js';
import { synthFrame, type SynthScene } from '../helpers/synth.js';

let cv: Cv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

const scene: SynthScene = { cw: 160, ch: 128, interfaceV: 20, crystal: 170, electrode: 60, contrast: 0.3, psfSigmaPx: 1.2, noiseSigma: 3, seed: 7 };
const dendrite = [{ baseU: 80, tipU: 82, tipV: 70, halfWidthPx: 4 }];
const dendrites = (r: SegmentResult) => r.regions.filter((x) => x.touchesInterface).map((x) => `${x.areaPx} u ${x.uMin}-${x.uMax} v ${x.vMin}-${x.vMax}`);

describe('a dendrite kept the frame before is kept under the seed threshold', () => {
  it('missed by a segmenter that never saw it, kept after a frame that had it, and after a checkpoint of that state', () => {
    const ref = buildReference([0, 1, 2, 3, 4].map((k) => synthFrame(scene, [], k)), canonicalGeometry(scene.cw, scene.ch, 'top'));
    const clear = synthFrame(scene, dendrite, 39), faint = synthFrame({ ...scene, contrast: 0.022 }, dendrite, 41);

    const fresh = new Segmenter(cv, ref);
    const alone = fresh.segment(faint);
    expect(dendrites(alone)).toEqual([]);
    // (above `low` but under `high`: the hysteresis seed alone drops it)
    const col = Array.from({ length: 20 }, (_, k) => alone.darkeningBlurred[(24 + k) * scene.cw + 80]);
    expect(Math.max(...col)).toBeGreaterThan(alone.thresholdRel);

    const seg = new Segmenter(cv, ref);
    expect(dendrites(seg.segment(clear))).toHaveLength(1);
    const snap = snapshotSegmenter(seg);
    const kept = dendrites(seg.segment(faint));
    expect(kept).toHaveLength(1);
    expect(Number(kept[0].split(' ')[0])).toBeGreaterThanOrEqual(20); // px

    const resumed = new Segmenter(cv, ref);
    restoreSegmenter(resumed, snap);
    expect(dendrites(resumed.segment(faint))).toEqual(kept);
    for (const s of [fresh, seg, resumed]) s.dispose();
  });
});
