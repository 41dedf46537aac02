/** Seeded pseudo-random numbers (mulberry32 + Box–Muller) for bootstrap and synthetic data. */

/** A reproducible source of uniform and standard-normal deviates. */
export interface SeededRandom {
  /** Uniform in [0,1). */
  uniform(): number;
  /** Standard normal N(0,1). */
  normal(): number;
}

/** Create a generator from an integer seed (same seed → same sequence). */
export function seededRandom(seed: number): SeededRandom {
  let a = (seed >>> 0) ^ 0x9e3779b9;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    let u = 0;
    while (u <= 1e-300) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return { uniform, normal };
}
