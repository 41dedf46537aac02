/**
 * Undo a stage drift: out(x, y) = src(x + dx, y + dy), bilinear, edge pixels replicated.
 * With the convention of estimateShift (frame(x) ≈ reference(x − d)) the output is the frame
 * moved back onto the reference: out(x) ≈ reference(x). Pixels whose source lies outside the
 * frame repeat the nearest edge pixel (the strip |d| wide at the border carries no new data).
 */
import type { GrayImage } from './imageOps.js';

/**
 * @param src   gray8 frame, width·height
 * @param dxPx  drift along x [px] (as returned by estimateShift)
 * @param dyPx  drift along y [px]
 * @param out   output buffer, width·height (must not be src)
 * @returns out
 */
export function shiftImage(src: Uint8Array, width: number, height: number, dxPx: number, dyPx: number, out: Uint8Array): Uint8Array {
  if (src.length !== width * height || out.length !== width * height) throw new RangeError(`shiftImage: buffers must hold ${width}×${height} pixels`);
  if (out === src) throw new RangeError('shiftImage: out must be a different buffer from src');
  if (!Number.isFinite(dxPx) || !Number.isFinite(dyPx)) throw new RangeError(`shiftImage: shift must be finite; got (${dxPx}, ${dyPx})`);
  // Writing through a Uint8ClampedArray view clamps to 0…255 and rounds (half to even).
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  resample(src, width, height, dxPx, dyPx, clamped);
  return out;
}

/** As shiftImage, into a Float32Array (no rounding). */
export function shiftImageFloat(src: GrayImage, width: number, height: number, dxPx: number, dyPx: number, out: Float32Array): Float32Array {
  if (src.length !== width * height || out.length !== width * height) throw new RangeError(`shiftImage: buffers must hold ${width}×${height} pixels`);
  resample(src, width, height, dxPx, dyPx, out);
  return out;
}

function resample(src: GrayImage, width: number, height: number, dx: number, dy: number, out: Uint8ClampedArray | Float32Array): void {
  // Separable source indices and weights, precomputed per column and per row.
  const x0 = new Int32Array(width), x1 = new Int32Array(width), wx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const p = Math.min(width - 1, Math.max(0, x + dx));
    const i = Math.min(width - 2, Math.floor(p));
    x0[x] = Math.max(0, i);
    x1[x] = Math.min(width - 1, i + 1);
    wx[x] = width > 1 ? p - i : 0;
  }
  for (let y = 0; y < height; y++) {
    const p = Math.min(height - 1, Math.max(0, y + dy));
    const j = Math.min(height - 2, Math.floor(p));
    const r0 = Math.max(0, j) * width, r1 = Math.min(height - 1, j + 1) * width;
    const ty = height > 1 ? p - j : 0;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const t = wx[x];
      const a = src[r0 + x0[x]] * (1 - t) + src[r0 + x1[x]] * t;
      const b = src[r1 + x0[x]] * (1 - t) + src[r1 + x1[x]] * t;
      out[o + x] = a * (1 - ty) + b * ty;
    }
  }
}
