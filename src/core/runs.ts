/**
 * Fill or copy one run [i0, i1) of a typed array: a plain loop for a short run, the built-ins
 * (fill; set of a subarray) for a long one.
 *
 * Why: the per-frame loops fill and copy thousands of short runs (a crack's pixels on one row,
 * 3–10 px: labelling, clearing stale labels, the blurred darkening handed to the tip worker at
 * the labelled pixels). A built-in call costs far more than the few stores it makes there —
 * subarray makes a new typed-array object per run — and those calls were ≈ 1.5 % of a 1500-frame
 * run's CPU (perf: CreateTypedArray, TypedArray fill, subarray, set). 3600 runs of 5 px: 0.18 ms
 * with subarray + set, 0.04 ms with the loop. The results are the same element for element.
 */

/** Runs up to this long are written by a loop [elements]. */
const SHORT_RUN = 32;

// (one function per array type: each stays monomorphic where the JIT inlines it)

/** a[i0 … i1 − 1] = value. */
export function fillRunI32(a: Int32Array, value: number, i0: number, i1: number): void {
  if (i1 - i0 > SHORT_RUN) a.fill(value, i0, i1);
  else for (let i = i0; i < i1; i++) a[i] = value;
}

/** dst[i0 … i1 − 1] = src[i0 … i1 − 1] (same index in both). */
export function copyRunF32(dst: Float32Array, src: Float32Array, i0: number, i1: number): void {
  if (i1 - i0 > SHORT_RUN) dst.set(src.subarray(i0, i1), i0);
  else for (let i = i0; i < i1; i++) dst[i] = src[i];
}

/** dst[i0 … i1 − 1] = src[i0 … i1 − 1] (same index in both). */
export function copyRunI32(dst: Int32Array, src: Int32Array, i0: number, i1: number): void {
  if (i1 - i0 > SHORT_RUN) dst.set(src.subarray(i0, i1), i0);
  else for (let i = i0; i < i1; i++) dst[i] = src[i];
}
