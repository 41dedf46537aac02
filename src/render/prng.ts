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
  /** 32 random bits as an unsigned integer. */
  uint32(): number;
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
    return t >>> 0;
  };
  const uniform = (): number => next() / 4294967296;
  for (let i = 0; i < 12; i++) next(); // decorrelate nearby seeds
  let spare: number | null = null;
  return {
    uniform,
    uint32: next,
    range: (lo, hi) => lo + (hi - lo) * uniform(),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = uniform();
      while (u <= 0) u = uniform();
      const v = uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, |relative error|
 * < 1.2e-9 on (0, 1)).
 */
export function inverseNormalCdf(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

let table: Float32Array | null = null;

/**
 * 65,536 equiprobable standard-normal quantiles Φ⁻¹((i + ½)/65536): indexing it with 16
 * random bits draws N(0, 1) quantised to 2⁻¹⁶ in probability (tails to ±4.3σ), about 5×
 * faster than Box–Muller — used for per-pixel sensor noise.
 */
export function normalQuantileTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) table[i] = inverseNormalCdf((i + 0.5) / 65536);
  }
  return table;
}
