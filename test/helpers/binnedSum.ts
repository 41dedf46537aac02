/**
 * The coarse detector's 2 × 2 sums of a background B (cw columns) on the binned grid (hw × hh), as
 * CoarseDetector's constructor computed them in JavaScript: the four pixels' sum (added in
 * doubles, stored as float32) where all four of `inCrystal` are ≠ 0, else 0. The oracle of the
 * WebAssembly kernels that take it (refScan.test.ts) or build on it (simdDark.test.ts).
 */
export function binnedSumJs(inCrystal: Float32Array, B: Float32Array, cw: number, hw: number, hh: number): Float32Array {
  const bSum = new Float32Array(hw * hh);
  for (let y = 0; y < hh; y++) for (let x = 0; x < hw; x++) {
    const i = 2 * y * cw + 2 * x;
    const ok = inCrystal[i] !== 0 && inCrystal[i + 1] !== 0 && inCrystal[i + cw] !== 0 && inCrystal[i + cw + 1] !== 0;
    bSum[y * hw + x] = ok ? B[i] + B[i + 1] + B[i + cw] + B[i + cw + 1] : 0;
  }
  return bSum;
}
