/**
 * The plating-electrode interface, found automatically on the reference image (canonical
 * orientation: electrode on top). Per column the gray profile is followed from the edge until
 * it crosses the midpoint between the electrode level and the crystal level (sub-pixel, linear
 * interpolation). A rough, wavy interface is kept as it is; only outliers (columns where an
 * existing crack makes the crossing run deep into the crystal) are replaced by a running median.
 */
import { interfaceCrossings } from './refScan.js';

export interface ElectrodeInterface {
  /** Per canonical column u: v of the interface [px]; crystal is v > vPx[u]. −0.5 = at the edge. */
  vPx: Float32Array;
  /** False when no electrode is visible (ROI without the electrode): the image edge is used. */
  visible: boolean;
  electrodeLevel: number;
  crystalLevel: number;
}

/** Median of n gray levels given as a histogram: the value at index n >> 1 of the sorted values (NaN when n = 0). */
function grayMedian(hist: Uint32Array, n: number): number {
  const rank = n >> 1;
  let acc = 0;
  for (let g = 0; g < 256; g++) {
    acc += hist[g];
    if (acc > rank) return g;
  }
  return NaN;
}

/** The median (grayMedian) of img's gray levels at rows va, va + dv, … < vb and columns 0, du, … < cw. (Its own function: see runningMedian.) */
function sampledMedian(img: Uint8Array, cw: number, va: number, vb: number, dv: number, du: number): number {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let v = va; v < vb; v += dv) for (let u = 0; u < cw; u += du) { hist[img[v * cw + u]]++; n++; }
  return grayMedian(hist, n);
}

/**
 * Per u, the median of x[u − half … u + half] (clipped): the element at index len >> 1 of the
 * sorted window, by a numeric Float64Array#sort (these values are finite, so it orders them as a
 * (x, y) => x − y comparator sort would). (Its own function: inside detectInterface V8 compiled the
 * loop on the stack together with all of it, and threw that code away at the next line.)
 */
function runningMedian(x: Float32Array, half: number): Float32Array {
  const n = x.length, med = new Float32Array(n), win = new Float64Array(2 * half + 1);
  for (let u = 0; u < n; u++) {
    const a = Math.max(0, u - half), b = Math.min(n - 1, u + half), len = b - a + 1;
    for (let k = a; k <= b; k++) win[k - a] = x[k];
    med[u] = win.subarray(0, len).sort()[len >> 1];
  }
  return med;
}

export function detectInterface(img: Uint8Array, cw: number, ch: number): ElectrodeInterface {
  const edgeRows = Math.max(1, Math.min(3, Math.floor(ch / 20)));
  // electrode and crystal levels: medians of gray samples, by histogram (no sort of ~10⁵ numbers)
  const v0 = Math.floor(ch * 0.3), v1 = Math.max(v0 + 1, Math.floor(ch * 0.7));
  const E = sampledMedian(img, cw, 0, edgeRows, 1, 1);
  const C = sampledMedian(img, cw, v0, v1, 2, Math.max(1, Math.floor(cw / 400)));
  const vPx = new Float32Array(cw);
  if (!(Math.abs(E - C) > 0.12 * Math.max(C, E, 1))) {
    vPx.fill(-0.5);
    return { vPx, visible: false, electrodeLevel: E, crystalLevel: C };
  }
  const sign = C > E ? 1 : -1; // profile rises (dark electrode) or falls (bright electrode)
  const maxV = Math.floor(ch * 0.9);
  // Per column, the crossing of the midpoint between the local levels (columns u±2, medians over
  // the edge rows and the crystal band): illumination varies across the field, so a global
  // midpoint would shift the crossing by a fraction of a pixel where the crystal is brighter or
  // darker. (refScan.wat: per-column histograms, their running sums over the five columns and
  // the profile search, on WebAssembly: they run once per recording, at its start.)
  const raw = interfaceCrossings(img, cw, ch, edgeRows, v0, v1, E, C, sign, maxV);
  // Outlier replacement by a running median (window ≈ 41 px).
  const med = runningMedian(raw, Math.min(20, Math.max(2, Math.floor(cw / 8))));
  const dev = new Float64Array(cw);
  for (let u = 0; u < cw; u++) dev[u] = Math.abs(raw[u] - med[u]);
  const mad = 1.4826 * (cw ? dev.sort()[cw >> 1] : NaN);
  const tol = 3 + 3 * mad;
  for (let u = 0; u < cw; u++) vPx[u] = Math.abs(raw[u] - med[u]) > tol ? med[u] : raw[u];
  return { vPx, visible: true, electrodeLevel: E, crystalLevel: C };
}
