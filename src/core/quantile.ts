/** Order statistics without sorting (O(n)): used per frame on hot paths. */

/**
 * k-th smallest value (0-based) of a[0..n), reordering a in place so that a[i] ≤ a[k] for i < k
 * and a[i] ≥ a[k] for i > k (Floyd–Rivest selection: on a large range, the element is first
 * selected within a small sample range around where it is expected, whose neighbours then
 * bracket it, so the partition of the whole range takes ≈ n + min(k, n − k) comparisons instead of
 * Hoare's ≈ 3.4 n for a median. Every frame takes medians of 4 000–20 000 values for its gain and
 * noise σ: robustSigmaInPlace of 4 800 values 100 → 62 µs, of 18 816 972 → 465 µs; a median of
 * 4 000 gain ratios, many of them tied, 12 → 16 µs — microbenchmark.)
 */
export function quickselect(a: Float64Array | Float32Array, k: number, n = a.length): number {
  selectRange(a, k, 0, n - 1);
  return a[k];
}

function selectRange(a: Float64Array | Float32Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // a sample range around k's expected place, selected first (recursively)
      const m = right - left + 1, i = k - left + 1, z = Math.log(m);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (m - s)) / m) * (i - m / 2 < 0 ? -1 : 1);
      selectRange(a, k, Math.max(left, Math.floor(k - (i * s) / m + sd)), Math.min(right, Math.floor(k + ((m - i) * s) / m + sd)));
    }
    // partition [left, right] around t = a[k], with a[left] and a[right] as sentinels
    const t = a[k];
    let i = left, j = right, x: number;
    x = a[left]; a[left] = a[k]; a[k] = x;
    if (a[right] > t) { x = a[right]; a[right] = a[left]; a[left] = x; }
    while (i < j) {
      x = a[i]; a[i] = a[j]; a[j] = x;
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) { x = a[left]; a[left] = a[j]; a[j] = x; }
    else { j++; x = a[j]; a[j] = a[right]; a[right] = x; }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
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
  absDeviationsInPlace(a, n, medianInPlace(a, n));
  return 1.4826 * medianInPlace(a, n);
}

/**
 * a[i] = |a[i] − c| for i < n. (Its own function: as a loop inside robustSigmaInPlace, its on-stack
 * compiled code met the second median's call with no feedback and was thrown away there.)
 */
function absDeviationsInPlace(a: Float64Array | Float32Array, n: number, c: number): void {
  for (let i = 0; i < n; i++) a[i] = Math.abs(a[i] - c);
}
