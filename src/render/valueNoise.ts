/**
 * Static crystal texture: two octaves of seeded value noise (lattice values uniform in
 * [−1, 1], smoothstep-bilinear interpolation), a continuous function of the sample position
 * so that it moves with the stage drift without resampling.
 */

function latticeValue(seed: number, i: number, j: number): number {
  let h = Math.imul(i, 0x27d4eb2d) ^ Math.imul(j, 0x165667b1) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

const smooth = (f: number): number => f * f * (3 - 2 * f);

function octave(seed: number, x: number, y: number): number {
  const i = Math.floor(x);
  const j = Math.floor(y);
  const fx = smooth(x - i);
  const fy = smooth(y - j);
  const a = latticeValue(seed, i, j);
  const b = latticeValue(seed, i + 1, j);
  const c = latticeValue(seed, i, j + 1);
  const d = latticeValue(seed, i + 1, j + 1);
  return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
}

/**
 * Texture value in about [−1, 1] at sample position (x, y) [px].
 * @param scalePx correlation length of the coarse octave [px]
 */
export function valueNoise(seed: number, xPx: number, yPx: number, scalePx: number): number {
  const s1 = 1 / scalePx;
  const s2 = 2.3 / scalePx;
  return (octave(seed, xPx * s1, yPx * s1) + 0.5 * octave(seed ^ 0x5bd1e995, xPx * s2 + 17.3, yPx * s2 - 9.1)) / 1.5;
}
