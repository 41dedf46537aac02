/**
 * Seeded pseudo-random numbers. Every random quantity of a rendering derives from the
 * scenario seed and a purpose label (and a frame index where it varies per frame), so a
 * frame does not depend on the order in which others were rendered.
 */

/** A deterministic random source. */
export interface Prng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Standard normal N(0, 1) (Box–Muller). */
  normal(): number;
}

/** 32-bit FNV-1a hash of the parts, used to derive independent seeds. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const s = parts.map(String).join('\u001f');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * sfc32-like generator seeded from `hashSeed(...parts)`; period ≫ any video.
 * @param parts seed, purpose label, frame index …
 */
export function createPrng(...parts: Array<string | number>): Prng {
  let a = hashSeed('a', ...parts);
  let b = hashSeed('b', ...parts);
  let c = hashSeed('c', ...parts);
  let d = 1;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next(); // decorrelate nearby seeds
  let spare: number | null = null;
  return {
    uniform: next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = next();
      while (u <= 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}
