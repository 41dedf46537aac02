/**
 * mergeFragments (src/track/mergeFragments.ts): pieces of one dendrite that linking left apart
 * are joined; separate dendrites are not. Pieces are cut from known straight trajectories.
 */
import { describe, expect, it } from 'vitest';
import { mergeFragments, type FragmentRow } from '../../src/track/mergeFragments.js';
import { mulberry32 } from '../helpers/rng.js';

interface Row extends FragmentRow { id: number }

/** A tip at (u0 + vu·t, v0 + vv·t) at 8 fps, with uniform noise ±noise px. */
function trajectory(id: number, frames: number[], u0: number, v0: number, vu: number, vv: number, noise = 0, seed = 1): Row[] {
  const rnd = mulberry32(seed);
  return frames.map((f) => {
    const t = f / 8;
    const v = v0 + vv * t + noise * (2 * rnd() - 1);
    return { id, frame: f, tS: t, canonU: u0 + vu * t + noise * (2 * rnd() - 1), canonV: v, heightPx: v };
  });
}
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => a + k);

describe('mergeFragments', () => {
  it('two tracks taking turns on one dendrite (runs of 3–9 frames, no frame in common, ±2 px noise) become one with every row', () => {
    const fa = [...range(0, 8), ...range(15, 20), ...range(30, 39), ...range(47, 50)];
    const fb = [...range(9, 14), ...range(21, 29), ...range(40, 46), ...range(51, 63)];
    const out = mergeFragments([trajectory(1, fa, 100, 20, 1, 15, 2, 1), trajectory(2, fb, 100, 20, 1, 15, 2, 2)]);
    expect(out).toHaveLength(1);
    expect(out[0].members).toEqual([0, 1]);
    expect(out[0].rows.map((r) => r.frame)).toEqual(range(0, 63));
  });
  it('two tips a few px apart in the same frames (a ragged front): one track, the deeper tip per frame', () => {
    const a = trajectory(1, range(0, 40), 100, 20, 0, 15);
    const b = trajectory(2, range(5, 30), 103, 17, 0, 15); // 3 px across, 3 px shallower
    const [m] = mergeFragments([a, b]);
    expect(m.members).toEqual([0, 1]);
    expect(m.rows.every((r) => r.id === 1)).toBe(true);
    expect(m.rows).toHaveLength(41);
  });
  it('a track that ends and one that starts 2 frames later where the first was heading: joined', () => {
    const out = mergeFragments([trajectory(1, range(0, 15), 50, 20, 0.5, 12, 1), trajectory(2, range(18, 60), 50, 20, 0.5, 12, 1, 7)]);
    expect(out).toHaveLength(1);
  });
  it('two dendrites from one base 25° apart (as in the Fig. 2 fixture), and a piece starting far off a track\'s course: not joined', () => {
    const rad = (d: number) => (d * Math.PI) / 180;
    const d1 = trajectory(1, range(0, 79), 156, 24, 17.2 * Math.sin(rad(-9)), 17.2 * Math.cos(rad(-9)));
    const d2 = trajectory(2, range(25, 79), 156 + 9 * 3.1 * Math.sin(rad(16)), 24 + 9 * 3.1 * Math.cos(rad(16)), 9 * Math.sin(rad(16)), 9 * Math.cos(rad(16)));
    expect(mergeFragments([d1, d2])).toHaveLength(2);
    const other = trajectory(3, range(82, 100), 190, 24, 0, 10); // starts 3 frames after d1 ends, 40+ px from where it was heading
    expect(mergeFragments([d1, other])).toHaveLength(2);
  });
});
