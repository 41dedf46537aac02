/**
 * Grey-level morphology with a rectangular structuring element, in O(1) operations per pixel
 * whatever its size (van Herk / Gil–Werman running max/min), for the reference's 31×31
 * closing: OpenCV.js (wasm, no SIMD) does it in O(k) per pixel and took ~0.4 s per 1080p frame.
 *
 * Border: pixels outside the image are ignored (the window is clipped to the image), which is
 * what OpenCV's dilate/erode do with their default border (BORDER_CONSTANT with
 * morphologyDefaultBorderValue), so the results are identical to cv.morphologyEx(…, MORPH_RECT).
 */

import { closeRectSimd } from './simdRef.js';

type Op = 'max' | 'min';

// Speed notes. Erosion is done as 255 − dilation(255 − ·), but the two inversions are folded
// into the passes as an XOR with `flip` (255 − x = 255 ^ x for a byte) on load or on store: no
// extra full-frame pass, and one (max) kernel for both. The max of two bytes is branch-free,
// a − ((a − b) & ((a − b) >> 31)): on noisy images a compare-and-branch mispredicts often.

/**
 * Along rows: dst[y, x] = flipOut ^ max over s[y, max(0, x−half) .. min(w−1, x+half)] with
 * s = flipIn ^ src, by van Herk / Gil–Werman on the padded row p[j] = s[y, j − half] (0
 * outside): g = prefix max within blocks of k = 2·half+1, hb = suffix max within blocks;
 * window [i, i+k−1] of p = max(hb[i], g[i+k−1]).
 */
function rowsPass(src: Uint8Array, dst: Uint8Array, w: number, h: number, half: number, flipIn: number, flipOut: number): void {
  const k = 2 * half + 1, m = w + 2 * half;
  const p = new Uint8Array(m), g = new Uint8Array(m), hb = new Uint8Array(m); // p's padding stays 0
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) p[half + x] = src[row + x] ^ flipIn;
    for (let b = 0; b < m; b += k) {
      const e = Math.min(m, b + k);
      let a = (g[b] = p[b]);
      for (let j = b + 1; j < e; j++) {
        const d = a - p[j];
        a -= d & (d >> 31);
        g[j] = a;
      }
      a = hb[e - 1] = p[e - 1];
      for (let j = e - 2; j >= b; j--) {
        const d = a - p[j];
        a -= d & (d >> 31);
        hb[j] = a;
      }
    }
    for (let i = 0; i < w; i++) {
      const a = hb[i], d = a - g[i + k - 1];
      dst[row + i] = (a - (d & (d >> 31))) ^ flipOut;
    }
  }
}

/**
 * Along columns, the same with whole rows as the elements (row-major, cache-friendly), block by
 * block: output row y (padded rows y .. y+k−1) = max(hb[y], g[y+k−1]) needs the suffix maxima
 * of y's block and the prefix maxima of the next one, so two k-row buffers replace two
 * full-frame ones. dst = flipOut ^ max.
 * Every operation is an element-wise max of two rows, so when the rows are whole 32-bit words
 * (w % 4 = 0, aligned buffers) they are done four bytes at a time (SWAR, ~2× faster).
 */
function colsPass(src: Uint8Array, dst: Uint8Array, w: number, h: number, half: number, flipOut: number): void {
  const k = 2 * half + 1;
  const hb = new Uint8Array(k * w), g = new Uint8Array(k * w);
  if (w % 4 === 0 && src.byteOffset % 4 === 0 && dst.byteOffset % 4 === 0) {
    const u32 = (a: Uint8Array) => new Uint32Array(a.buffer, a.byteOffset, a.length >> 2);
    colsPassLanes(u32(src), u32(dst), u32(hb), u32(g), w >> 2, h, half, maxWords, flipOut * 0x01010101);
  } else {
    colsPassLanes(src, dst, hb, g, w, h, half, maxBytes, flipOut);
  }
}

type Lanes = Uint8Array | Uint32Array;
/** out[o + x] = flip ^ max(a[ai + x], b[bi + x]) for x < len, per byte. */
type RowMax<T extends Lanes> = (out: T, o: number, a: T, ai: number, b: T, bi: number, len: number, flip: number) => void;

function maxBytes(out: Uint8Array, o: number, a: Uint8Array, ai: number, b: Uint8Array, bi: number, len: number, flip: number): void {
  for (let x = 0; x < len; x++) {
    const p = a[ai + x], d = p - b[bi + x];
    out[o + x] = (p - (d & (d >> 31))) ^ flip;
  }
}

/**
 * Four bytes per 32-bit word: the even and the odd bytes in turn, each in a 16-bit lane with
 * room for a borrow: (256 + x − y) has bit 8 set iff x ≥ y, which widens to a 0xff select mask.
 */
function maxWords(out: Uint32Array, o: number, a: Uint32Array, ai: number, b: Uint32Array, bi: number, len: number, flip: number): void {
  for (let x = 0; x < len; x++) {
    const p = a[ai + x], q = b[bi + x];
    const pe = p & 0x00ff00ff, qe = q & 0x00ff00ff, po = (p >>> 8) & 0x00ff00ff, qo = (q >>> 8) & 0x00ff00ff;
    const me = ((((pe | 0x01000100) - qe) >>> 8) & 0x00010001) * 0xff;
    const mo = ((((po | 0x01000100) - qo) >>> 8) & 0x00010001) * 0xff;
    out[o + x] = ((qe ^ ((pe ^ qe) & me)) | ((qo ^ ((po ^ qo) & mo)) << 8)) ^ flip;
  }
}

/** colsPass on rows of w lanes (bytes, or 4-byte words); hbCur and gNext hold k rows each. */
function colsPassLanes<T extends Lanes>(src: T, dst: T, hbCur: T, gNext: T, w: number, h: number, half: number, max: RowMax<T>, flipOut: number): void {
  const k = 2 * half + 1, m = h + 2 * half;
  // padded row j = src row j − half; outside the image the rows are 0 (neutral for max)
  const inImage = (j: number) => j >= half && j < half + h;
  // prefix maxima (g) of the padded block starting at b, into buf
  const prefix = (b: number, buf: T) => {
    const e = Math.min(m, b + k);
    if (inImage(b)) buf.set(src.subarray((b - half) * w, (b - half + 1) * w), 0);
    else buf.fill(0, 0, w);
    for (let j = b + 1; j < e; j++) {
      const o = (j - b) * w;
      if (inImage(j)) max(buf, o, buf, o - w, src, (j - half) * w, w, 0);
      else buf.copyWithin(o, o - w, o); // neutral row: unchanged
    }
  };
  // suffix maxima (hb) of the padded block starting at b, into buf
  const suffix = (b: number, buf: T) => {
    const e = Math.min(m, b + k), last = (e - 1 - b) * w;
    if (inImage(e - 1)) buf.set(src.subarray((e - 1 - half) * w, (e - half) * w), last);
    else buf.fill(0, last, last + w);
    for (let j = e - 2; j >= b; j--) {
      const o = (j - b) * w;
      if (inImage(j)) max(buf, o, buf, o + w, src, (j - half) * w, w, 0);
      else buf.copyWithin(o, o + w, o + 2 * w);
    }
  };
  // output rows y ∈ [b, b+k) ∩ [0, h): window [y, y+k−1] of padded rows; y+k−1 lies in block b+k
  // (y = b: the window is exactly block b, whose full max is hb[b])
  for (let b = 0; b < h; b += k) {
    suffix(b, hbCur);
    const bn = b + k;
    if (bn < m) prefix(bn, gNext);
    const e = Math.min(h, b + k);
    for (let y = b; y < e; y++) {
      const hOff = (y - b) * w;
      if (y === b) max(dst, y * w, hbCur, hOff, hbCur, hOff, w, flipOut);
      else max(dst, y * w, hbCur, hOff, gNext, (y + k - 1 - bn) * w, w, flipOut);
    }
    const t = hbCur; hbCur = gNext; gNext = t; // (buffers reused; contents recomputed)
  }
}

/** Dilation (op 'max') or erosion ('min') of a w×h gray8 image by a kx×ky rectangle (odd sides). */
export function rectFilter(src: Uint8Array, w: number, h: number, kx: number, ky: number, op: Op): Uint8Array {
  // erosion = 255 − dilation of the negative (inversions folded into the passes)
  const flip = op === 'max' ? 0 : 255;
  const tmp = new Uint8Array(w * h);
  const out = new Uint8Array(w * h);
  rowsPass(src, tmp, w, h, kx >> 1, flip, 0);
  colsPass(tmp, out, w, h, ky >> 1, flip);
  return out;
}

/** Morphological closing (dilation, then erosion) by a k×k square (k odd), as cv.morphologyEx(MORPH_CLOSE, MORPH_RECT). */
export function closeRect(src: Uint8Array, w: number, h: number, k: number): Uint8Array {
  // (WebAssembly SIMD where it applies: the same bytes, simdRef.ts says why)
  return closeRectSimd(src, w, h, k) ?? closeRectJs(src, w, h, k);
}

/** closeRect in JavaScript (for the sizes closeRectSimd does not take, and as its test's reference). */
export function closeRectJs(src: Uint8Array, w: number, h: number, k: number): Uint8Array {
  // dilation, stored inverted (255 − D), so that the erosion 255 − dilation(255 − D) needs no
  // inversion pass; one scratch buffer for both row passes
  const tmp = new Uint8Array(w * h), out = new Uint8Array(w * h);
  rowsPass(src, tmp, w, h, k >> 1, 0, 0);
  colsPass(tmp, out, w, h, k >> 1, 255); // out = 255 − D
  rowsPass(out, tmp, w, h, k >> 1, 0, 0);
  colsPass(tmp, out, w, h, k >> 1, 255); // 255 − dilation(255 − D) = erosion(D)
  return out;
}
