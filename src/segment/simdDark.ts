/**
 * The darkening where a whole frame is looked at, on WebAssembly SIMD (simdDark.wat): the coarse
 * detector's 2 × 2-binned darkening, and the segmenter's blurred darkening at its noise samples —
 * bit for bit the JavaScript they replace (test/segment/simdDark.test.ts). The first runs on every
 * whole frame (1 in 12 by default), the second on every frame (at ≈ 20 000 samples on a whole
 * frame, a quarter of them on the others), with a float64 division per pixel read (≈ 0.5 M at
 * 1080p); the kernel does two at a time and needs no warm-up. Each instance owns a memory holding
 * its constant inputs (the background), a copy of the frame (or of the rows it reads) and its output.
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

type BlurredAt = (img: number, map: number, cw: number, pix: number, bcs: number, gain: number, pairs: number, sb: number, scr: number) => void;

/**
 * The blurred darkening at fixed sample pixels of a cw × ch frame (segmenter.ts's
 * blurredDarkeningAt), for the samples at least 2 px inside every border (`interior`; the caller
 * computes the others), two samples at a time. The background at each sample's 5 × 5
 * neighbourhood is laid out once, compactly, in the order the kernel reads it; of the frame, only
 * the rows the samples read are copied. (A first version read the whole 8 MB background and a
 * copy of the whole frame at the samples, one at a time, through 15 calls and an integer division
 * per sample: ≈ 140 ns a sample in a microbenchmark, 45–70 now; in a running 1080p pipeline
 * ≈ 110 ns, the frame's other work having pushed its data out of the caches.)
 */
export class BlurredDarkeningAtKernel {
  private readonly run: BlurredAt;
  /** Per sample: 1 when the kernel computes it. */
  readonly interior: Uint8Array;
  /** Of the interior samples (in order): where each is among the caller's samples; how many of the caller's first k are interior. */
  private readonly at: Int32Array;
  private readonly before: Int32Array;
  /** Per interior sample, its row v (it reads rows v − 2 … v + 2). */
  private readonly rowOf: Int32Array;
  /** Per count n of samples asked for: the frame's rows their interior ones read, as [first, end) runs. */
  private readonly rowRuns = new Map<number, Int32Array>();
  private readonly img: Uint8Array;
  private readonly map: Uint8Array;
  private readonly sb: Float64Array;
  private readonly pixPtr: number;
  private readonly bcsPtr: number;
  private readonly scrPtr: number;

  constructor(Bc: Float32Array, readonly cw: number, readonly ch: number, si: Int32Array) {
    const ns = si.length;
    this.interior = new Uint8Array(ns);
    this.at = new Int32Array(ns);
    this.before = new Int32Array(ns + 1);
    const pix: number[] = [];
    for (let k = 0; k < ns; k++) {
      const u = si[k] % cw, v = (si[k] - u) / cw;
      if (u >= 2 && u < cw - 2 && v >= 2 && v < ch - 2) {
        this.interior[k] = 1;
        this.at[pix.length] = k;
        pix.push(si[k]);
      }
      this.before[k + 1] = pix.length;
    }
    this.rowOf = Int32Array.from(pix, (p) => Math.floor(p / cw));
    // (an odd count: the last pair's second lane repeats the first)
    const pairs = (pix.length + 1) >> 1;
    if (pix.length % 2) pix.push(pix[pix.length - 1]);
    const n = cw * ch, imgPtr = 0, mapPtr = align16(n), pixPtr = mapPtr + 256, bcsPtr = align16(pixPtr + 8 * pairs);
    const sbPtr = bcsPtr + 200 * pairs, scrPtr = sbPtr + 16 * pairs;
    const { exports, buffer } = instance(scrPtr + 80);
    this.run = exports.blurredAt as BlurredAt;
    new Int32Array(buffer, pixPtr, 2 * pairs).set(pix);
    const bcs = new Float32Array(buffer, bcsPtr, 50 * pairs);
    for (let j = 0; j < pix.length; j++) {
      for (let t = 0; t < 25; t++) bcs[(j >> 1) * 50 + 2 * t + (j & 1)] = Bc[pix[j] + (Math.floor(t / 5) - 2) * cw + (t % 5) - 2];
    }
    this.img = new Uint8Array(buffer, imgPtr, n);
    this.map = new Uint8Array(buffer, mapPtr, 256);
    this.sb = new Float64Array(buffer, sbPtr, 2 * pairs);
    this.pixPtr = pixPtr;
    this.bcsPtr = bcsPtr;
    this.scrPtr = scrPtr;
  }

  /** sb[k] for the interior samples among the first n (k < n); the others are not written. */
  compute(img: Uint8Array, map: Uint8Array, gain: number, n: number, sb: Float64Array): void {
    const m = this.before[n];
    let runs = this.rowRuns.get(n);
    if (!runs) this.rowRuns.set(n, (runs = this.rowsRead(m)));
    const { cw } = this;
    for (let q = 0; q < runs.length; q += 2) this.img.set(img.subarray(runs[q] * cw, runs[q + 1] * cw), runs[q] * cw);
    this.map.set(map);
    this.run(this.img.byteOffset, this.map.byteOffset, cw, this.pixPtr, this.bcsPtr, gain, (m + 1) >> 1, this.sb.byteOffset, this.scrPtr);
    const { at, sb: out } = this;
    for (let j = 0; j < m; j++) sb[at[j]] = out[j];
  }

  /** The rows the first m interior samples read (and, for an odd m, the next one's: its lane is computed too), as [first, end) runs. */
  private rowsRead(m: number): Int32Array {
    const used = new Uint8Array(this.ch);
    for (let j = 0; j < Math.min(m + 1, this.rowOf.length); j++) used.fill(1, this.rowOf[j] - 2, this.rowOf[j] + 3);
    const runs: number[] = [];
    for (let v = 0; v < this.ch; v++) {
      if (!used[v]) continue;
      const v0 = v;
      while (v < this.ch && used[v]) v++;
      runs.push(v0, v);
    }
    return Int32Array.from(runs);
  }
}
