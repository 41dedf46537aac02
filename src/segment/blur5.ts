/**
 * The segmenter's 5 × 5 Gaussian blur of the relative darkening, bit for bit cv.GaussianBlur on a
 * sub-matrix (blur5.wat: the same float32 arithmetic, four pixels at a time with WebAssembly SIMD).
 * The darkening and its blur live in the kernel's own memory (allocated once for the frame size,
 * never grown, so the views stay valid): `D` is written by the caller, `blur` fills `Db` on a
 * rectangle. cv.GaussianBlur per rectangle cost a fixed ≈ 10 µs per call (a late frame of a long
 * recording has ≈ 50 rectangles) on top of ≈ 4 ns per pixel; this kernel ≈ 1 ns per pixel.
 */
import type { RectPx } from './segmenter.js';
import { BLUR5_WASM_BASE64 } from './blur5Wasm.js';

/** The part of the WebAssembly API used here (the project's lib, ES2023 without DOM, does not declare it). */
interface WasmSync {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmSync }).WebAssembly;

let compiled: object | null = null;

export class Blur5 {
  /** Darkening (input) and its blur (output), cw × ch, row-major. */
  readonly D: Float32Array;
  readonly Db: Float32Array;
  private readonly run: (src: number, dst: number, cw: number, ch: number, x: number, y: number, w: number, h: number, rows: number) => void;
  private readonly rowsPtr: number;

  constructor(readonly cw: number, readonly ch: number) {
    const n = cw * ch * 4;
    const bytes = 2 * n + 5 * cw * 4 + 64;
    const memory = new Wasm.Memory({ initial: Math.ceil(bytes / 65536) });
    compiled ??= new Wasm.Module(Buffer.from(BLUR5_WASM_BASE64, 'base64'));
    const inst = new Wasm.Instance(compiled, { env: { memory } });
    this.run = inst.exports.blur5 as Blur5['run'];
    this.D = new Float32Array(memory.buffer, 0, cw * ch);
    this.Db = new Float32Array(memory.buffer, n, cw * ch);
    this.rowsPtr = 2 * n;
  }

  /** Db = blur(D) on rectangle r (D read around it, edges of the image repeated). */
  blur(r: RectPx): void {
    if (r.w <= 0 || r.h <= 0) return;
    this.run(0, this.D.byteLength, this.cw, this.ch, r.x, r.y, r.w, r.h, this.rowsPtr);
  }
}
