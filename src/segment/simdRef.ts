/**
 * The reference image's whole-frame passes on WebAssembly SIMD (simdRef.wat): the per-pixel median
 * of five frames and the k × k rectangle closing, bit for bit what reference.ts's median5 and
 * rectMorphology.ts's closeRectJs compute (test/segment/simdRef.test.ts).
 *
 * Why: the reference is built once per run, at its start, while ffmpeg waits on a full frame
 * ring; these loops ran there for the first and only time, so mostly before V8 had compiled them
 * (in a 250-frame 1080p run the closing took ≈ 120 ms and the median ≈ 40 ms of the reference's
 * ≈ 370). WebAssembly is compiled before its first call. Each call gets a memory of its own,
 * sized for it and dropped afterwards (the reference is built once).
 */
import { SIMD_REF_WASM_BASE64 } from './simdRefWasm.js';
import { align16, wasmKernel, wasmMemory } from './wasmKernel.js';

type Median5 = (a: number, b: number, c: number, d: number, e: number, out: number, n: number) => void;
type CloseRect = (src: number, dst: number, w: number, h: number, k: number, A: number, buf: number) => void;

const kernel = wasmKernel(SIMD_REF_WASM_BASE64);

function instance(bytes: number): { exports: Record<string, unknown>; heap: Uint8Array } {
  const memory = wasmMemory(bytes);
  return { exports: kernel(memory), heap: new Uint8Array(memory.buffer) };
}

/** Per-pixel median of five images of n pixels; null when n < 16 (the caller's JavaScript does those). */
export function median5Simd(frames: readonly Uint8Array[], n: number): Uint8Array | null {
  if (frames.length !== 5 || n < 16) return null;
  const step = align16(n);
  const { exports, heap } = instance(6 * step);
  for (let k = 0; k < 5; k++) heap.set(frames[k].subarray(0, n), k * step);
  (exports.median5 as Median5)(0, step, 2 * step, 3 * step, 4 * step, 5 * step, n);
  return heap.slice(5 * step, 5 * step + n);
}

/** Largest rectangle side closeRectSimd takes (its buffers pad each side by 64). */
export const SIMD_CLOSE_MAX_K = 63;

/**
 * The closing of src (w × h) with the k × k rectangle (k odd), pixels outside the image ignored;
 * null when the image is narrower than 16 or k is even or above SIMD_CLOSE_MAX_K.
 */
export function closeRectSimd(src: Uint8Array, w: number, h: number, k: number): Uint8Array | null {
  if (w < 16 || h < 1 || k < 1 || k > SIMD_CLOSE_MAX_K || k % 2 === 0) return null;
  const n = w * h, step = align16(n);
  const srcP = 0, dstP = step, aP = 2 * step, bufP = aP + align16((h + 128) * w + 16);
  const { exports, heap } = instance(bufP + w + 192);
  heap.set(src.subarray(0, n), srcP);
  (exports.closeRect as CloseRect)(srcP, dstP, w, h, k, aP, bufP);
  return heap.slice(dstP, dstP + n);
}
