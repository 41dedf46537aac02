/**
 * The reference's per-pixel and per-sample loops on WebAssembly (refScan.wat): the interface's
 * column histograms and crossings, the median's dark features, the frames' residuals at the noise
 * grid, the robust σ, the sparse Gaussian blur and the runs of a whole mask — bit for bit the
 * JavaScript they replace (test/segment/refScan.test.ts, test/segment/referenceExact.test.ts).
 *
 * Why: these run once per recording, at its start, while ffmpeg waits on a full frame ring. In
 * JavaScript they ran mostly before V8 had compiled them, and V8 compiled several of them three to
 * five times over as later lines were first reached: ≈ 170 ms of a 1080p reference's ≈ 220 ms on
 * the main thread, and more on the compiler threads, beside ffmpeg. WebAssembly is compiled
 * before its first call.
 *
 * Each call lays out its arrays in a memory of its own (an Arena), sized for it and dropped
 * with the last view of it. The kernels are called by bands of rows or columns, not once for the
 * whole image: V8 compiles WebAssembly fast first (Liftoff), recompiles a function that runs
 * often with its optimising compiler in the background and uses that code from the function's
 * next call — a single call over a whole 1080p image ran entirely in the first code (the sparse
 * blur took 33 ms in one call, ≈ 3× less by rows).
 */
import { MaskRuns } from './components.js';
import { REF_SCAN_WASM_BASE64 } from './refScanWasm.js';
import { align16, wasmKernel, wasmMemory } from './wasmKernel.js';

const kernel = wasmKernel(REF_SCAN_WASM_BASE64);

type Fn = (...args: number[]) => number;

/**
 * Byte offsets of a call's arrays in one memory, laid out before it is made, and exactly as large
 * as they need to be: every byte of a WebAssembly memory counts for V8 as memory outside its heap,
 * and V8 runs a full collection of its heap each time such memory has grown by tens of megabytes
 * since the last one — at the start of a run, where the reference and the segmenter allocate
 * their buffers, each megabyte not asked for is fewer collections on the main thread. (Sizes a
 * first kernel call finds are found in a small memory of their own: a memory is never grown —
 * growing detaches its old ArrayBuffer, and the first detached ArrayBuffer of a process makes V8
 * add a check to every typed-array access it compiles from then on, and throw away what it had
 * compiled without.)
 */
class Arena {
  private top = 0;
  /** Reserve `bytes` (16-aligned); its offset. */
  take(bytes: number): number {
    const p = this.top;
    this.top += align16(Math.max(1, bytes));
    return p;
  }
  /** The memory (zeroed) and the kernel's exports on it. */
  open(): { fn: Record<string, Fn>; buf: ArrayBuffer } {
    const memory = wasmMemory(this.top);
    return { fn: kernel(memory) as Record<string, Fn>, buf: memory.buffer };
  }
}

/**
 * detectInterface's per-column crossings of an image (cw × ch gray): raw[u] where the 3-column
 * mean profile of column u first crosses the midpoint of its local electrode and crystal levels
 * (medians of columns u − 2 … u + 2 over rows [0, edgeRows) and [v0, v1)), or of the global
 * levels E, C when the local ones are too close; −0.5 where it does not before row maxV.
 */
export function interfaceCrossings(
  img: Uint8Array, cw: number, ch: number, edgeRows: number, v0: number, v1: number, E: number, C: number, sign: number, maxV: number,
): Float32Array {
  const ar = new Arena();
  const pImg = ar.take(cw * ch), pHE = ar.take(cw * 1024), pHC = ar.take(cw * 1024);
  const pWinE = ar.take(1024), pWinC = ar.take(1024), pRaw = ar.take(4 * cw);
  const { fn, buf } = ar.open();
  new Uint8Array(buf, pImg, cw * ch).set(img.subarray(0, cw * ch));
  for (let u0 = 0; u0 < cw; u0 += 128) {
    const u1 = Math.min(cw, u0 + 128);
    fn.colHists(pImg, cw, 0, edgeRows, u0, u1, pHE);
    fn.colHists(pImg, cw, v0, v1, u0, u1, pHC);
  }
  for (let u0 = 0; u0 < cw; u0 += 32) fn.crossings(u0, Math.min(cw, u0 + 32), pImg, cw, edgeRows, v1 - v0, pHE, pHC, pWinE, pWinC, E, C, sign, maxV, pRaw);
  return new Float32Array(buf, pRaw, cw).slice();
}

/**
 * Dark features of the median below the closing, in the crystal (v > crystalFrom[u]) where the
 * table isDark[(closed << 8) | median] says so: dark = 1 and darkRel = (c − m) / c (float32),
 * elsewhere 0.
 */
export function markDarkFeatures(
  closed: Uint8Array, median: Uint8Array, isDark: Uint8Array, crystalFrom: Float64Array, cw: number, ch: number,
): { dark: Uint8Array; darkRel: Float32Array } {
  const n = cw * ch, ar = new Arena();
  const pC = ar.take(n), pM = ar.take(n), pT = ar.take(65536), pF = ar.take(8 * cw), pD = ar.take(n), pR = ar.take(4 * n);
  const { fn, buf } = ar.open();
  new Uint8Array(buf, pC, n).set(closed.subarray(0, n));
  new Uint8Array(buf, pM, n).set(median.subarray(0, n));
  new Uint8Array(buf, pT, 65536).set(isDark.subarray(0, 65536));
  new Float64Array(buf, pF, cw).set(crystalFrom.subarray(0, cw));
  for (let v = 0; v < ch; v += 8) fn.markDark(pC, pM, pT, pF, cw, v, Math.min(ch, v + 8), pD, pR);
  // (views of the call's memory: it is not used again)
  return { dark: new Uint8Array(buf, pD, n), darkRel: new Float32Array(buf, pR, n) };
}

/**
 * The relative residuals (median − map[f]) / median of each frame at the grid points (su, sv)
 * where the median is > 0, frame after frame, into a Float64Array (its used length: the count).
 */
export function gridResiduals(frames: readonly Uint8Array[], median: Uint8Array, map: Uint8Array, su: Int32Array, sv: Int32Array, cw: number): { samples: Float64Array; count: number } {
  const n = median.length, np = su.length, ar = new Arena();
  const pF = ar.take(n), pM = ar.take(n), pMap = ar.take(256), pU = ar.take(4 * np), pV = ar.take(4 * np), pOut = ar.take(8 * np * frames.length);
  const { fn, buf } = ar.open();
  new Uint8Array(buf, pM, n).set(median);
  new Uint8Array(buf, pMap, 256).set(map.subarray(0, 256));
  new Int32Array(buf, pU, np).set(su);
  new Int32Array(buf, pV, np).set(sv);
  const fBytes = new Uint8Array(buf, pF, n);
  let count = 0;
  for (const f of frames) {
    fBytes.set(f.subarray(0, n));
    count = fn.residuals(pF, pM, pMap, pU, pV, np, cw, pOut, count);
  }
  return { samples: new Float64Array(buf, pOut, count).slice(), count };
}

/**
 * 1.4826 × the median absolute deviation of a[0..n) (upper medians; NaNs ordered last, as
 * Float64Array#sort orders them); NaN when n = 0. `a` is not modified.
 */
export function robustSigmaOf(a: Float64Array, n = a.length): number {
  if (n === 0) return NaN;
  const ar = new Arena();
  const p = ar.take(8 * n);
  const { fn, buf } = ar.open();
  new Float64Array(buf, p, n).set(a.subarray(0, n));
  return fn.robustSigma(p, n);
}

/**
 * The Gaussian blur (kernel `kern` along both axes, border replicated) of a w × h image at the
 * points (us[i], vs[i]): every sum in the order of the direct separable definition (horizontal
 * pass at the points' columns, then vertical at the points).
 */
export function gaussAtPoints(img: Uint8Array | Float32Array | Float64Array, w: number, h: number, kern: Float64Array, us: Int32Array, vs: Int32Array): Float64Array {
  const np = us.length, r = (kern.length - 1) >> 1, n = w * h;
  const kind = img instanceof Uint8Array ? 0 : img instanceof Float32Array ? 1 : 2;
  // the number of distinct columns (the horizontal pass's table is rows × them), from the points alone
  let nc: number;
  {
    const a0 = new Arena();
    const qU = a0.take(4 * np), qV = a0.take(4 * np), qSlot = a0.take(4 * w), qCols = a0.take(4 * Math.min(np, w)), qRows = a0.take(h);
    const { fn: f0, buf: b0 } = a0.open();
    new Int32Array(b0, qU, np).set(us);
    new Int32Array(b0, qV, np).set(vs);
    nc = f0.gaussPrepare(qU, qV, np, w, h, r, qSlot, qCols, qRows);
  }
  const ar = new Arena();
  const pImg = ar.take(n * (kind === 0 ? 1 : kind === 1 ? 4 : 8)), pK = ar.take(8 * kern.length);
  const pU = ar.take(4 * np), pV = ar.take(4 * np), pOut = ar.take(8 * np);
  const pSlot = ar.take(4 * w), pCols = ar.take(4 * Math.min(np, w)), pRows = ar.take(h), pPad = ar.take(8 * (w + 2 * r));
  const pH = ar.take(8 * h * nc);
  const { fn, buf } = ar.open();
  if (kind === 0) new Uint8Array(buf, pImg, n).set(img.subarray(0, n) as Uint8Array);
  else if (kind === 1) new Float32Array(buf, pImg, n).set(img.subarray(0, n) as Float32Array);
  else new Float64Array(buf, pImg, n).set(img.subarray(0, n) as Float64Array);
  new Float64Array(buf, pK, kern.length).set(kern);
  new Int32Array(buf, pU, np).set(us);
  new Int32Array(buf, pV, np).set(vs);
  fn.gaussPrepare(pU, pV, np, w, h, r, pSlot, pCols, pRows);
  const rowNeeded = new Uint8Array(buf, pRows, h);
  for (let v = 0; v < h; v++) if (rowNeeded[v]) fn.gaussRow(pImg, kind, w, v, pK, r, pCols, nc, pPad, pH);
  for (let i0 = 0; i0 < np; i0 += 1024) fn.gaussPoints(pH, nc, h, pK, r, pSlot, pU, pV, i0, Math.min(np, i0 + 1024), pOut);
  return new Float64Array(buf, pOut, np).slice();
}

/** The runs of nonzero pixels of a whole mask (w × h), in raster order, as maskRuns gives them for the full-frame rectangle. */
export function wholeMaskRuns(mask: Uint8Array, w: number, h: number): MaskRuns {
  const n = w * h;
  // counted first, then stored (the room for the worst case, every other pixel, was 12 MB at 1080p)
  let cap = 0;
  {
    const a0 = new Arena();
    const qM = a0.take(n);
    const { fn: f0, buf: b0 } = a0.open();
    new Uint8Array(b0, qM, n).set(mask.subarray(0, n));
    for (let v = 0; v < h; v += 32) cap = f0.runs(qM, w, v, Math.min(h, v + 32), 0, 0, 0, cap, 0);
  }
  const ar = new Arena();
  const pM = ar.take(n), pV = ar.take(4 * cap), pA = ar.take(4 * cap), pB = ar.take(4 * cap);
  const { fn, buf } = ar.open();
  new Uint8Array(buf, pM, n).set(mask.subarray(0, n));
  let count = 0;
  for (let v = 0; v < h; v += 32) count = fn.runs(pM, w, v, Math.min(h, v + 32), pV, pA, pB, count, 1);
  const out = new MaskRuns();
  out.count = count;
  // (at least one element each: MaskRuns.push doubles a full array's length)
  const copy = (p: number) => { const x = new Int32Array(Math.max(1, count)); x.set(new Int32Array(buf, p, count)); return x; };
  out.v = copy(pV);
  out.a = copy(pA);
  out.b = copy(pB);
  let pixels = 0;
  for (let q = 0; q < count; q++) pixels += out.b[q] - out.a[q];
  out.pixels = pixels;
  return out;
}

/** a[i] = map[a[i]] (a gray-level table applied in place). */
export function mapBytesInPlace(a: Uint8Array, map: Uint8Array): void {
  const n = a.length, ar = new Arena();
  const pA = ar.take(n), pMap = ar.take(256);
  const { fn, buf } = ar.open();
  const view = new Uint8Array(buf, pA, n);
  view.set(a);
  new Uint8Array(buf, pMap, 256).set(map.subarray(0, 256));
  for (let i = 0; i < n; i += 65536) fn.mapBytes(pA + i, Math.min(65536, n - i), pMap);
  a.set(view);
}

/**
 * A copy of img (cw × ch, electrode on top) with each column's electrode side replaced by the
 * crystal just beyond the interface: rows v < s of column u take row s's gray, s = min(ch − 1,
 * max(0, ⌊vPx[u]⌋ + 4)).
 */
export function crystalOnlyImage(img: Uint8Array, cw: number, ch: number, vPx: Float32Array): Uint8Array {
  const n = cw * ch, ar = new Arena();
  const pI = ar.take(n), pV = ar.take(4 * cw), pF = ar.take(4 * cw);
  const { fn, buf } = ar.open();
  const view = new Uint8Array(buf, pI, n);
  view.set(img.subarray(0, n));
  new Float32Array(buf, pV, cw).set(vPx.subarray(0, cw));
  fn.crystalOnly(pI, cw, ch, pV, pF);
  return view; // (a view of the call's memory: it is not used again)
}

/**
 * The segmenter's background of the crystal: background[i] where v > vPx[u] + 0.5 and
 * background[i] > 0, else 0 (cw × ch, float32).
 */
export function crystalBackground(background: Float32Array, vPx: Float32Array, cw: number, ch: number): Float32Array {
  const n = cw * ch, ar = new Arena();
  const pV = ar.take(4 * cw), pB = ar.take(4 * n);
  const { fn, buf } = ar.open();
  new Float32Array(buf, pV, cw).set(vPx.subarray(0, cw));
  const out = new Float32Array(buf, pB, n);
  out.set(background.subarray(0, n));
  for (let v = 0; v < ch; v += 8) fn.crystalBackground(pV, pB, cw, v, Math.min(ch, v + 8));
  return out;
}

/**
 * The coarse detector's 2 × 2 sums of the background B (cw columns) on the binned grid (hw × hh):
 * the four pixels' sum (float32) where all four are in the crystal (bgCrystal ≠ 0), else 0.
 */
export function binnedBackground(bgCrystal: Float32Array, B: Float32Array, cw: number, hw: number, hh: number): Float32Array {
  const n = B.length, ar = new Arena();
  const pG = ar.take(4 * n), pB = ar.take(4 * n), pS = ar.take(4 * hw * hh);
  const { fn, buf } = ar.open();
  new Float32Array(buf, pG, n).set(bgCrystal.subarray(0, n));
  new Float32Array(buf, pB, n).set(B.subarray(0, n));
  for (let y = 0; y < hh; y += 8) fn.binnedBackground(pG, pB, cw, hw, y, Math.min(hh, y + 8), pS);
  return new Float32Array(buf, pS, hw * hh).slice();
}
