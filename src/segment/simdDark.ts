/**
 * The darkening where a whole frame is looked at, on WebAssembly SIMD (simdDark.wat): the coarse
 * detector's 2 × 2-binned darkening, and the segmenter's blurred darkening at its noise samples —
 * bit for bit the JavaScript they replace (test/segment/simdDark.test.ts). Both run on every whole
 * frame (1 in 12 by default), with a float64 division per pixel (≈ 0.5 M at 1080p each); the
 * kernel does two at a time and needs no warm-up. Each instance owns a memory holding its constant
 * inputs (the background), a copy of the frame and its output.
 */
import { SIMD_DARK_WASM_BASE64 } from './simdDarkWasm.js';
import { align16, wasmKernel, wasmMemory } from './wasmKernel.js';

/** simdDark.wat, compiled once per process (SimdBlur.darken instantiates it on its own memory too). */
export const darkKernel = wasmKernel(SIMD_DARK_WASM_BASE64);

function instance(bytes: number): { exports: Record<string, unknown>; buffer: ArrayBuffer } {
  const memory = wasmMemory(bytes);
  return { exports: darkKernel(memory), buffer: memory.buffer };
}

type Binned = (img: number, map: number, bSum: number, gain: number, D: number, hw: number, hh: number, cw: number) => void;

/** D = 1 − Σ map[img] / (gain · bSum) per 2 × 2 block of a cw-wide frame (0 where bSum ≤ 0), as coarseDetect.ts's binnedDarkening. */
export class BinnedDarkeningKernel {
  private readonly run: Binned;
  private readonly img: Uint8Array;
  private readonly map: Uint8Array;
  private readonly bSumPtr: number;
  /** The output, hw × hh float32. */
  readonly D: Float32Array;

  constructor(bSum: Float32Array, readonly hw: number, readonly hh: number, readonly cw: number, ch: number) {
    const nb = hw * hh, n = cw * ch;
    const bSumPtr = 0, dPtr = align16(4 * nb), imgPtr = dPtr + align16(4 * nb), mapPtr = imgPtr + align16(n);
    const { exports, buffer } = instance(mapPtr + 256);
    this.run = exports.binned as Binned;
    new Float32Array(buffer, bSumPtr, nb).set(bSum.subarray(0, nb));
    this.bSumPtr = bSumPtr;
    this.D = new Float32Array(buffer, dPtr, nb);
    this.img = new Uint8Array(buffer, imgPtr, n);
    this.map = new Uint8Array(buffer, mapPtr, 256);
  }

  compute(img: Uint8Array, map: Uint8Array, gain: number): Float32Array {
    this.img.set(img.subarray(0, this.img.length));
    this.map.set(map);
    this.run(this.img.byteOffset, this.map.byteOffset, this.bSumPtr, gain, this.D.byteOffset, this.hw, this.hh, this.cw);
    return this.D;
  }
}
