/** Order statistics without sorting (O(n)): used per frame on hot paths. */

/** k-th smallest value (0-based) of a[0..n), reordering a in place (Hoare quickselect). */
export function quickselect(a: Float64Array | Float32Array, k: number, n = a.length): number {
  let lo = 0, hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of a[0..n) (reorders a); NaN when n = 0. For even n the mean of the middle two. */
export function medianInPlace(a: Float64Array | Float32Array, n = a.length): number {
  if (n === 0) return NaN;
  const hiMid = quickselect(a, n >> 1, n);
  if (n % 2) return hiMid;
  let loMid = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > loMid) loMid = a[i];
  return (loMid + hiMid) / 2;
}

/**
 * Robust σ (1.4826 · median absolute deviation) of a[0..n); reorders a and overwrites it
 * with absolute deviations. NaN when n = 0.
 */
export function robustSigmaInPlace(a: Float64Array | Float32Array, n = a.length): number {
  if (n === 0) return NaN;
  const med = medianInPlace(a, n);
  for (let i = 0; i < n; i++) a[i] = Math.abs(a[i] - med);
  return 1.4826 * medianInPlace(a, n);
}
