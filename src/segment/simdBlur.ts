/**
 * Gaussian blurs of a float32 image (5 × 5 for the segmenter's darkening, 3 × 3 for the coarse
 * detector's half-resolution one), bit for bit cv.GaussianBlur on a sub-matrix (simdBlur.wat: the
 * same float32 arithmetic, four pixels at a time with WebAssembly SIMD). The image and its blur
 * live in the kernel's own memory (allocated once for the image size, never grown, so the views
 * stay valid): `D` is written by the caller, blur5/blur3 fill `Db` on a rectangle.
 * cv.GaussianBlur cost a fixed ≈ 10 µs per call (a late frame of a long recording has ≈ 50
 * rectangles) on top of 4–7 ns per pixel; this kernel 1.2–2.4 ns per pixel. With it the track
 * command needs no OpenCV.js at all in its default configuration (≈ 0.15 s of start-up, 40 MB).
 *
 * The same memory holds the segmenter's masks (threshold, dilation, closing: 0/255 bytes), which
 * simdMask.wat thresholds and closes sixteen pixels at a time (`threshold`, `dilate`, `erode`):
 * bit for bit the JavaScript word-at-a-time loops they replace (thresholdRect, crossMorph), in a
 * seventh of their time (threshold, dilation and erosion of 38 rectangles of 360 × 24 px in a
 * 1080p frame: 1.56 → 0.23 ms).
 */
import type { RectPx } from './segmenter.js';
import { SIMD_BLUR_WASM_BASE64 } from './simdBlurWasm.js';
import { darkKernel } from './simdDark.js';
import { SIMD_MASK_WASM_BASE64 } from './simdMaskWasm.js';
import { wasmKernel, wasmMemory } from './wasmKernel.js';


type Kernel = (src: number, dst: number, cw: number, ch: number, x: number, y: number, w: number, h: number, rows: number) => void;
type Thresh = (src: number, dst: number, cw: number, x: number, y: number, w: number, h: number, t: number, box: number) => number;
type Cross = (src: number, dst: number, cw: number, ch: number, x: number, y: number, w: number, h: number, dilate: number) => void;
type Darken = (img: number, map: number, Bc: number, gain: number, D: number, cw: number, spans: number, n: number) => void;

const blurKernel = wasmKernel(SIMD_BLUR_WASM_BASE64);
const maskKernel = wasmKernel(SIMD_MASK_WASM_BASE64);
/** Row runs handed to the darkening kernel per call (its scratch in the memory: 12 bytes each). */
const SPAN_CHUNK = 4096;

/** What the darkening (SimdBlur.darken) keeps in the kernel's memory. */
interface DarkenParts {
  run: Darken;
  /** The background the darkening is relative to (0: off the crystal), written by the owner. */
  Bc: Float32Array;
  img: Uint8Array;
  map: Uint8Array;
  spans: Int32Array;
}

const F32 = new Float32Array(1), I32 = new Int32Array(F32.buffer);
/** The largest float32 ≤ x (x finite): for a float32 value f, f > x exactly when f > this. */
export function float32AtMost(x: number): number {
  F32[0] = x;
  if (F32[0] <= x) return F32[0];
  // rounded up: one float32 step down
  if (F32[0] > 0) I32[0]--;
  else if (F32[0] < 0) I32[0]++;
  else I32[0] = 0x80000001; // −0 → the smallest negative
  return F32[0];
}

export class SimdBlur {
  /** The image (input) and its blur (output), cw × ch, row-major. */
  readonly D: Float32Array;
  readonly Db: Float32Array;
  /** The threshold mask, its dilation and its closing (0/255 bytes, cw × ch). */
  readonly m8: Uint8Array;
  readonly dil: Uint8Array;
  readonly closed: Uint8Array;
  private readonly k5: Kernel;
  private readonly k3: Kernel;
  private readonly kThresh: Thresh;
  private readonly kCross: Cross;
  private readonly rowsPtr: number;
  private readonly boxPtr: number;
  private readonly box: Int32Array;
  private readonly dark: DarkenParts | null;

  /** With `darken`: the background for darken() (Bc, its owner writes it) and the frame's copy live in the memory too. */
  constructor(readonly cw: number, readonly ch: number, darken = false) {
    const n = cw * ch * 4, px = cw * ch;
    // (the masks and the box 16-byte aligned)
    const align = (b: number) => (b + 15) & ~15;
    const pxA = align(px);
    const masks = align(2 * n + 5 * cw * 4 + 64);
    const boxPtr = masks + 3 * pxA;
    const darkPtr = align(boxPtr + 16);
    const bcPtr = darkPtr, imgPtr = bcPtr + align(4 * px), mapPtr = imgPtr + pxA, spansPtr = mapPtr + 256;
    const bytes = darken ? spansPtr + 12 * SPAN_CHUNK : boxPtr + 16;
    const memory = wasmMemory(bytes);
    const inst = blurKernel(memory), mask = maskKernel(memory);
    this.k5 = inst.blur5 as Kernel;
    this.k3 = inst.blur3 as Kernel;
    this.kThresh = mask.thresh as Thresh;
    this.kCross = mask.cross as Cross;
    this.D = new Float32Array(memory.buffer, 0, cw * ch);
    this.Db = new Float32Array(memory.buffer, n, cw * ch);
    this.rowsPtr = 2 * n;
    this.m8 = new Uint8Array(memory.buffer, masks, px);
    this.dil = new Uint8Array(memory.buffer, masks + pxA, px);
    this.closed = new Uint8Array(memory.buffer, masks + 2 * pxA, px);
    this.boxPtr = boxPtr;
    this.box = new Int32Array(memory.buffer, boxPtr, 4);
    this.dark = darken
      ? {
          run: darkKernel(memory).darken as Darken, Bc: new Float32Array(memory.buffer, bcPtr, px), img: new Uint8Array(memory.buffer, imgPtr, px),
          map: new Uint8Array(memory.buffer, mapPtr, 256), spans: new Int32Array(memory.buffer, spansPtr, 3 * SPAN_CHUNK),
        }
      : null;
  }

  /** The background darken() divides by (cw × ch float32, in the kernel's memory; zero until its owner writes it). */
  get Bc(): Float32Array {
    if (!this.dark) throw new Error('SimdBlur: made without darken');
    return this.dark.Bc;
  }

  /**
   * D = (b − map[img]) / b, b = gain · Bc (float64, stored as float32; 0 where Bc = 0), on the row
   * runs `spans` ((row, x0, x1) triples, rowSpans) — bit for bit segmenter.ts's darkenSpans. The
   * frame's bytes from the first run's first pixel to the last run's last are copied into the
   * memory first (one copy; at most the frame).
   */
  darken(img: Uint8Array, map: Uint8Array, gain: number, spans: Int32Array): void {
    const dk = this.dark;
    if (!dk) throw new Error('SimdBlur: made without darken');
    const { cw } = this;
    let lo = Infinity, hi = -1;
    for (let k = 0; k < spans.length; k += 3) {
      const row = spans[k] * cw;
      if (spans[k + 2] > spans[k + 1]) {
        lo = Math.min(lo, row + spans[k + 1]);
        hi = Math.max(hi, row + spans[k + 2]);
      }
    }
    if (hi < 0) return;
    dk.img.set(img.subarray(lo, hi), lo);
    dk.map.set(map);
    for (let k0 = 0; k0 < spans.length; k0 += 3 * SPAN_CHUNK) {
      const chunk = spans.subarray(k0, Math.min(spans.length, k0 + 3 * SPAN_CHUNK));
      dk.spans.set(chunk);
      dk.run(dk.img.byteOffset, dk.map.byteOffset, dk.Bc.byteOffset, gain, this.D.byteOffset, cw, dk.spans.byteOffset, chunk.length / 3);
    }
  }

  /**
   * m8 = Db > low ? 255 : 0 on rectangle r (as cv.THRESH_BINARY: strictly above), and the box of
   * its foreground (null: none).
   */
  threshold(r: RectPx, low: number): RectPx | null {
    if (r.w <= 0 || r.h <= 0) return null;
    if (!this.kThresh(this.D.byteLength, this.m8.byteOffset, this.cw, r.x, r.y, r.w, r.h, float32AtMost(low), this.boxPtr)) return null;
    const b = this.box;
    return { x: b[0], y: b[1], w: b[2] - b[0] + 1, h: b[3] - b[1] + 1 };
  }

  /** dil = m8 dilated by the 3 × 3 cross on rectangle r (m8 read around it). */
  dilate(r: RectPx): void {
    if (r.w > 0 && r.h > 0) this.kCross(this.m8.byteOffset, this.dil.byteOffset, this.cw, this.ch, r.x, r.y, r.w, r.h, 1);
  }

  /** closed = dil eroded by the 3 × 3 cross on rectangle r (dil read around it). */
  erode(r: RectPx): void {
    if (r.w > 0 && r.h > 0) this.kCross(this.dil.byteOffset, this.closed.byteOffset, this.cw, this.ch, r.x, r.y, r.w, r.h, 0);
  }

  /** Db = 5 × 5 blur of D on rectangle r (D read around it, edges of the image repeated). */
  blur5(r: RectPx): void {
    if (r.w > 0 && r.h > 0) this.k5(0, this.D.byteLength, this.cw, this.ch, r.x, r.y, r.w, r.h, this.rowsPtr);
  }

  /** Db = 3 × 3 blur of D on rectangle r. */
  blur3(r: RectPx): void {
    if (r.w > 0 && r.h > 0) this.k3(0, this.D.byteLength, this.cw, this.ch, r.x, r.y, r.w, r.h, this.rowsPtr);
  }
}
