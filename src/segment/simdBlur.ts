/**
 * Gaussian blurs of a float32 image (5 × 5 for the segmenter's darkening, 3 × 3 for the coarse
 * detector's half-resolution one), bit for bit cv.GaussianBlur on a sub-matrix (simdBlur.wat: the
 * same float32 arithmetic, four pixels at a time with WebAssembly SIMD). The image and its blur
 * live in the kernel's own memory (allocated once for the image size, never grown, so the views
 * stay valid): `D` is written by the caller, blur5/blur3 fill `Db` on a rectangle.
 * cv.GaussianBlur cost a fixed ≈ 10 µs per call (a late frame of a long recording has ≈ 50
 * rectangles) on top of 4–7 ns per pixel; this kernel 1.2–2.4 ns per pixel. With it the track
 * command needs no OpenCV.js at all in its default configuration (≈ 0.15 s of start-up, 40 MB).
 */
import type { RectPx } from './segmenter.js';
import { SIMD_BLUR_WASM_BASE64 } from './simdBlurWasm.js';

/** The part of the WebAssembly API used here (the project's lib, ES2023 without DOM, does not declare it). */
interface WasmSync {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmSync }).WebAssembly;

type Kernel = (src: number, dst: number, cw: number, ch: number, x: number, y: number, w: number, h: number, rows: number) => void;

let compiled: object | null = null;

export class SimdBlur {
  /** The image (input) and its blur (output), cw × ch, row-major. */
  readonly D: Float32Array;
  readonly Db: Float32Array;
  private readonly k5: Kernel;
  private readonly k3: Kernel;
  private readonly rowsPtr: number;

  constructor(readonly cw: number, readonly ch: number) {
    const n = cw * ch * 4;
    const bytes = 2 * n + 5 * cw * 4 + 64;
    const memory = new Wasm.Memory({ initial: Math.ceil(bytes / 65536) });
    compiled ??= new Wasm.Module(Buffer.from(SIMD_BLUR_WASM_BASE64, 'base64'));
    const inst = new Wasm.Instance(compiled, { env: { memory } });
    this.k5 = inst.exports.blur5 as Kernel;
    this.k3 = inst.exports.blur3 as Kernel;
    this.D = new Float32Array(memory.buffer, 0, cw * ch);
    this.Db = new Float32Array(memory.buffer, n, cw * ch);
    this.rowsPtr = 2 * n;
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
