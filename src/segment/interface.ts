/**
 * The plating-electrode interface, found automatically on the reference image (canonical
 * orientation: electrode on top). Per column the gray profile is followed from the edge until
 * it crosses the midpoint between the electrode level and the crystal level (sub-pixel, linear
 * interpolation). A rough, wavy interface is kept as it is; only outliers (columns where an
 * existing crack makes the crossing run deep into the crystal) are replaced by a running median.
 */

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

export function detectInterface(img: Uint8Array, cw: number, ch: number): ElectrodeInterface {
  const edgeRows = Math.max(1, Math.min(3, Math.floor(ch / 20)));
  // electrode and crystal levels: medians of gray samples, by histogram (no sort of ~10⁵ numbers)
  const eHist = new Uint32Array(256);
  let nE = 0;
  for (let v = 0; v < edgeRows; v++) for (let u = 0; u < cw; u += 1) { eHist[img[v * cw + u]]++; nE++; }
  const cHist = new Uint32Array(256);
  let nC = 0;
  const v0 = Math.floor(ch * 0.3), v1 = Math.max(v0 + 1, Math.floor(ch * 0.7));
  const stepU = Math.max(1, Math.floor(cw / 400));
  for (let v = v0; v < v1; v += 2) for (let u = 0; u < cw; u += stepU) { cHist[img[v * cw + u]]++; nC++; }
  const E = grayMedian(eHist, nE);
  const C = grayMedian(cHist, nC);
  const vPx = new Float32Array(cw);
  if (!(Math.abs(E - C) > 0.12 * Math.max(C, E, 1))) {
    vPx.fill(-0.5);
    return { vPx, visible: false, electrodeLevel: E, crystalLevel: C };
  }
  const sign = C > E ? 1 : -1; // profile rises (dark electrode) or falls (bright electrode)
  const raw = new Float32Array(cw);
  const maxV = Math.floor(ch * 0.9);
  // Local levels per column (u±2): illumination varies across the field, so a global midpoint
  // would shift the crossing by a fraction of a pixel where the crystal is brighter or darker.
  // (the median of the gray levels of columns u−2..u+2 over rows [va, vb), from per-column
  // histograms: the same value as sorting them, in O(256) per column instead of O(n log n))
  // (by blocks of 128 columns: their histograms, 128 KiB, stay in the cache while the rows are
  // read; column by column across the whole width they did not: ≈ 0.8 M increments scattered
  // over 2 MB at 1080p)
  const colHists = (va: number, vb: number): Uint32Array => {
    const h = new Uint32Array(cw * 256);
    for (let u0 = 0; u0 < cw; u0 += 128) {
      const u1 = Math.min(cw, u0 + 128);
      for (let v = va; v < vb; v++) {
        const row = v * cw;
        for (let u = u0; u < u1; u++) h[u * 256 + img[row + u]]++;
      }
    }
    return h;
  };
  const hE = colHists(0, edgeRows), hC = colHists(v0, v1);
  // running sums of the histograms of columns u−2..u+2 (add the entering column, remove the
  // leaving one: the same counts as summing five columns per u)
  const winE = new Uint32Array(256), winC = new Uint32Array(256);
  const addCol = (win: Uint32Array, h: Uint32Array, k: number, sgn: number) => {
    const o = k * 256;
    for (let g = 0; g < 256; g++) win[g] += sgn * h[o + g];
  };
  for (let k = 0; k <= Math.min(cw - 1, 1); k++) { addCol(winE, hE, k, 1); addCol(winC, hC, k, 1); }
  for (let u = 0; u < cw; u++) {
    if (u + 2 <= cw - 1) { addCol(winE, hE, u + 2, 1); addCol(winC, hC, u + 2, 1); }
    if (u - 3 >= 0) { addCol(winE, hE, u - 3, -1); addCol(winC, hC, u - 3, -1); }
    const nCols = Math.min(cw - 1, u + 2) - Math.max(0, u - 2) + 1;
    const eU = grayMedian(winE, nCols * edgeRows);
    const cU = grayMedian(winC, nCols * (v1 - v0));
    const mid = Math.abs(cU - eU) > 0.5 * Math.abs(C - E) ? (eU + cU) / 2 : (E + C) / 2;
    let found = -0.5;
    let prev = smoothAt(img, cw, ch, u, 0);
    for (let v = 1; v < maxV; v++) {
      const cur = smoothAt(img, cw, ch, u, v);
      if (sign * (prev - mid) < 0 && sign * (cur - mid) >= 0) {
        found = v - 1 + (mid - prev) / (cur - prev);
        break;
      }
      prev = cur;
    }
    raw[u] = found;
  }
  // Outlier replacement by a running median (window ≈ 41 px).
  const half = Math.min(20, Math.max(2, Math.floor(cw / 8)));
  const med = new Float32Array(cw);
  // (the element at index len >> 1 of the sorted window, by a numeric Float64Array#sort: these
  // values are finite, so it orders them as a (x, y) => x − y comparator sort would)
  const win = new Float64Array(2 * half + 1);
  for (let u = 0; u < cw; u++) {
    const a = Math.max(0, u - half), b = Math.min(cw - 1, u + half), len = b - a + 1;
    for (let k = a; k <= b; k++) win[k - a] = raw[k];
    med[u] = win.subarray(0, len).sort()[len >> 1];
  }
  const dev = new Float64Array(cw);
  for (let u = 0; u < cw; u++) dev[u] = Math.abs(raw[u] - med[u]);
  const mad = 1.4826 * (cw ? dev.sort()[cw >> 1] : NaN);
  const tol = 3 + 3 * mad;
  for (let u = 0; u < cw; u++) vPx[u] = Math.abs(raw[u] - med[u]) > tol ? med[u] : raw[u];
  return { vPx, visible: true, electrodeLevel: E, crystalLevel: C };
}

/** Profile value at (u, v), averaged over u−1..u+1 to tame noise. */
function smoothAt(img: Uint8Array, cw: number, _ch: number, u: number, v: number): number {
  const a = Math.max(0, u - 1), b = Math.min(cw - 1, u + 1);
  let s = 0;
  for (let k = a; k <= b; k++) s += img[v * cw + k];
  return s / (b - a + 1);
}
