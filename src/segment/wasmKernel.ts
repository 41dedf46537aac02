/**
 * The WebAssembly plumbing of lidtrack's hand-written kernels (simdBlur, simdRef, simdDark, refScan): each
 * module is compiled once per process (synchronously: a few kB), and instantiated on a memory of
 * the caller's size.
 */

/** The part of the WebAssembly API used here (the project's lib, ES2023 without DOM, does not declare it). */
interface WasmSync {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmSync }).WebAssembly;

/** A WebAssembly memory (lidtrack never grows one: see refScan.ts's Arena). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A memory of at least `bytes` bytes (zeroed). */
export function wasmMemory(bytes: number): WasmMemory {
  return new Wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
}

/** A kernel module (base64 of its bytes), compiled at its first instance; instances import `env.memory`. */
export function wasmKernel(base64: string): (memory: WasmMemory) => Record<string, unknown> {
  let compiled: object | null = null;
  return (memory) => {
    compiled ??= new Wasm.Module(Buffer.from(base64, 'base64'));
    return new Wasm.Instance(compiled, { env: { memory } }).exports;
  };
}

/** b rounded up to a multiple of 16 (a v128's alignment). */
export const align16 = (b: number): number => (b + 15) & ~15;
