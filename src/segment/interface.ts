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

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1] : NaN;
}

export function detectInterface(img: Uint8Array, cw: number, ch: number): ElectrodeInterface {
  const edgeRows = Math.max(1, Math.min(3, Math.floor(ch / 20)));
  const eSamples: number[] = [];
  for (let v = 0; v < edgeRows; v++) for (let u = 0; u < cw; u += 1) eSamples.push(img[v * cw + u]);
  const cSamples: number[] = [];
  const v0 = Math.floor(ch * 0.3), v1 = Math.max(v0 + 1, Math.floor(ch * 0.7));
  const stepU = Math.max(1, Math.floor(cw / 400));
  for (let v = v0; v < v1; v += 2) for (let u = 0; u < cw; u += stepU) cSamples.push(img[v * cw + u]);
  const E = median(eSamples);
  const C = median(cSamples);
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
  const colHists = (va: number, vb: number): Uint32Array => {
    const h = new Uint32Array(cw * 256);
    for (let v = va; v < vb; v++) for (let u = 0; u < cw; u++) h[u * 256 + img[v * cw + u]]++;
    return h;
  };
  const hE = colHists(0, edgeRows), hC = colHists(v0, v1);
  const win = new Uint32Array(256);
  const colLevel = (h: Uint32Array, u: number): number => {
    win.fill(0);
    let n = 0;
    for (let k = Math.max(0, u - 2); k <= Math.min(cw - 1, u + 2); k++) {
      const o = k * 256;
      for (let g = 0; g < 256; g++) win[g] += h[o + g];
    }
    for (let g = 0; g < 256; g++) n += win[g];
    const rank = n >> 1; // as median(): the element at index n >> 1 of the sorted values
    let acc = 0;
    for (let g = 0; g < 256; g++) {
      acc += win[g];
      if (acc > rank) return g;
    }
    return NaN;
  };
  for (let u = 0; u < cw; u++) {
    const eU = colLevel(hE, u);
    const cU = colLevel(hC, u);
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
  for (let u = 0; u < cw; u++) {
    const win: number[] = [];
    for (let k = Math.max(0, u - half); k <= Math.min(cw - 1, u + half); k++) win.push(raw[k]);
    med[u] = median(win);
  }
  const dev: number[] = [];
  for (let u = 0; u < cw; u++) dev.push(Math.abs(raw[u] - med[u]));
  const mad = 1.4826 * median(dev);
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
