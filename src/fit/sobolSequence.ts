/**
 * Sobol low-discrepancy points in [0,1)^d (Gray-code construction) with the Joe–Kuo
 * "new-joe-kuo-6.21201" direction numbers for dimensions 2–16; dimension 1 is the van der Corput
 * sequence. Used to spread multi-start points over the (scaled) parameter box.
 */

/** [degree s, coefficient a, initial m_1..m_s] for dimensions 2..16 (Joe & Kuo 2008). */
const JOE_KUO: ReadonlyArray<readonly [number, number, readonly number[]]> = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
  [5, 7, [1, 1, 7, 11, 19]],
  [5, 11, [1, 1, 5, 1, 1]],
  [5, 13, [1, 1, 1, 3, 11]],
  [5, 14, [1, 3, 5, 5, 31]],
  [6, 1, [1, 3, 3, 9, 7, 49]],
  [6, 13, [1, 1, 1, 15, 21, 21]],
  [6, 16, [1, 3, 1, 13, 27, 49]],
];

const BITS = 30;

/** Largest supported dimension. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;

function directionNumbers(dim: number): Uint32Array[] {
  const out: Uint32Array[] = [];
  const v0 = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) v0[i] = 1 << (BITS - 1 - i);
  out.push(v0);
  for (let d = 1; d < dim; d++) {
    const [s, a, m] = JOE_KUO[d - 1];
    const v = new Uint32Array(BITS);
    for (let i = 0; i < Math.min(s, BITS); i++) v[i] = m[i] << (BITS - 1 - i);
    for (let i = s; i < BITS; i++) {
      let x = v[i - s] ^ (v[i - s] >>> s);
      for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[i - k];
      v[i] = x;
    }
    out.push(v);
  }
  return out;
}

/**
 * The first `count` Sobol points in `dimension` dimensions, skipping the origin (point 0).
 * @returns one Float64Array per point, coordinates in [0,1)
 */
export function sobolPoints(count: number, dimension: number): Float64Array[] {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
    throw new RangeError(`sobolPoints: dimension must be 1..${SOBOL_MAX_DIMENSION}, got ${dimension}`);
  }
  const v = directionNumbers(dimension);
  const x = new Uint32Array(dimension);
  const pts: Float64Array[] = [];
  const scale = 2 ** -BITS;
  for (let n = 1; n <= count; n++) {
    // Gray code: flip the direction number of the lowest zero bit of n-1.
    let c = 0;
    let k = n - 1;
    while (k & 1) {
      k >>>= 1;
      c++;
    }
    const pt = new Float64Array(dimension);
    for (let d = 0; d < dimension; d++) {
      x[d] ^= v[d][c];
      pt[d] = x[d] * scale;
    }
    pts.push(pt);
  }
  return pts;
}
