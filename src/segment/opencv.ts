/**
 * Loading OpenCV.js (@techstark/opencv-js, pinned in package.json).
 *
 * The package is one 7.7 MB Emscripten script whose WebAssembly is embedded as a base64 data URI.
 * A plain `require` of it blocks the main thread for ≈ 160 ms before the runtime even starts
 * (reading the 7.7 MB, V8 scanning the huge string literal, decoding the base64), and a
 * `lidtrack track` run pays that at every start. So the install step (scripts/build.mjs →
 * writeOpenCvSplit) splits it once into dist/: the script without the data URI, the raw wasm
 * bytes, a V8 code cache of the script and a stamp tying them to the installed package. At run
 * time loadOpenCv loads that pair when the stamp matches (≈ 20 ms to a running script instead of
 * ≈ 100–160 ms; start to ready ≈ 120 ms instead of ≈ 200 ms, best of 3) and falls back to the
 * plain `require` exactly as before when the files are missing, stale or fail in any way.
 *
 * The module's default export is either the ready `cv` object, a promise of it, or an object
 * that becomes ready when its `onRuntimeInitialized` fires — depending on the build. All three
 * are handled on the `require` path.
 */
import { createHash } from '../core/lazyCrypto.js';
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import vm from 'node:vm';
import { PACKAGE_ROOT } from '../core/packageRoot.js';

// OpenCV.js ships no usable TypeScript types for its runtime object; keep `any` in one place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Cv = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CvMat = any;

/** The files writeOpenCvSplit writes into its folder (dist/ for the CLI). */
export const OPENCV_SPLIT_FILES = {
  /** the Emscripten script without its data URI, wrapped in a function (see WRAP_HEAD) */
  core: 'opencv-core.js',
  /** the WebAssembly module, the decoded data URI */
  wasm: 'opencv.wasm',
  /** V8 code cache of `core`, taken after the runtime initialised (so it holds its start-up functions) */
  cache: 'opencv-core.v8cache',
  /** SplitStamp (JSON), written last: the other files are used only through it */
  stamp: 'opencv-split.json',
} as const;

/** How long the split runtime may take to start before loadOpenCv falls back to `require` [ms]. */
const SPLIT_START_TIMEOUT_MS = 20_000;
/** Bump when the split files' layout or the transformation changes: older splits are then ignored. */
const SPLIT_FORMAT = 1;
/** The embedded wasm: the one string literal replaced (by an empty data URI, so Emscripten never fetches nor reads a file). */
const WASM_URI_HEAD = 'var wasmBinaryFile="data:application/octet-stream;base64,';
/**
 * The split script is a function of the CommonJS wrapper's names plus `Module`, the object the
 * package's UMD wrapper hands to the Emscripten factory (`typeof Module === 'undefined'` then
 * sees this parameter): it carries our `instantiateWasm` hook, the documented Emscripten way of
 * supplying the wasm. On one line with the first source line, so positions in stack traces
 * stay those of the package's file.
 */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname, Module) {';
const WRAP_TAIL = '\n})';

/**
 * Embind's start-up compiles ≈ 2 000 small functions from source with `new Function`
 * (≈ 60 ms of the ≈ 110 ms the runtime takes to start). Two of those compilations per binding
 * do nothing a closure cannot: the dynCall wrapper of each function pointer, and the throw-away
 * named constructor new_ makes before calling `Function` (which returns the same function
 * called with or without `new`). [exact text of the package's script, replacement]; each must
 * occur exactly once or the split is not written.
 */
const START_UP_PATCHES: Array<[string, string]> = [
  [
    'var body="return function "+name+"("+args.join(", ")+") {\\n";body+="    return dynCall(rawFunction"+(args.length?", ":"")+args.join(", ")+");\\n";body+="};\\n";return new Function("dynCall","rawFunction",body)(dynCall,rawFunction)}',
    'return function(){var a=[rawFunction];for(var i=0;i<arguments.length;++i)a.push(arguments[i]);return dynCall.apply(null,a)}}',
  ],
  [
    'function new_(constructor,argumentList){',
    'function new_(constructor,argumentList){if(constructor===Function)return Function.apply(null,argumentList);',
  ],
];

/** The WebAssembly API used here (the project's lib, ES2023 without DOM, does not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** dist/opencv-split.json: what the split files were made from, checked before every use. */
interface SplitStamp {
  format: number;
  /** the installed package's file the split was made from */
  opencvJs: { version: string; sizeBytes: number; mtimeMs: number };
  coreSha256: string;
  wasmSizeBytes: number;
  /** null: no code cache (the script is compiled from source) */
  cacheSha256: string | null;
}

/** How loadOpenCvFrom got the runtime: from the split files, or by `require` (with why not split). */
export interface OpenCvLoad {
  cv: Cv;
  via: 'split' | 'require';
  /** why the split files were not used (via 'require' only) */
  fallbackReason?: string;
  /** whether V8 accepted the code cache (via 'split' only) */
  codeCacheUsed?: boolean;
}

let loading: Promise<Cv> | null = null;

/** The OpenCV.js runtime, loaded once per process (≈ 0.12 s from dist/'s split files, ≈ 0.2 s by `require`). */
export function loadOpenCv(): Promise<Cv> {
  loading ??= loadOpenCvFrom(join(PACKAGE_ROOT, 'dist')).then((l) => l.cv as Cv);
  return loading;
}

/**
 * Load a fresh OpenCV.js runtime from the split files in `splitDir` when they are present and
 * match the installed package, else by `require('@techstark/opencv-js')`. Not cached: each call
 * on the split path instantiates a new runtime (loadOpenCv is the cached entry).
 */
export async function loadOpenCvFrom(splitDir: string): Promise<OpenCvLoad> {
  let fallbackReason: string;
  try {
    const { cv, codeCacheUsed } = await loadSplit(splitDir);
    return { cv: withoutThen(cv), via: 'split', codeCacheUsed };
  } catch (e) {
    fallbackReason = e instanceof Error ? e.message : String(e);
  }
  return { cv: withoutThen(await loadByRequire()), via: 'require', fallbackReason };
}

/**
 * Split the installed package's opencv.js into `outDir` (OPENCV_SPLIT_FILES): the script without
 * its base64 wasm, the wasm bytes, then (after loading the pair once, which checks it) a V8 code
 * cache of the script, and the stamp last. Every file is written atomically. Throws when the
 * package's script does not have the expected shape (another OpenCV.js build): loadOpenCv then
 * keeps using `require`.
 */
export async function writeOpenCvSplit(outDir: string): Promise<void> {
  const src = installedOpenCvJs();
  const text = readFileSync(src.path, 'utf8');
  const at = text.indexOf(WASM_URI_HEAD);
  if (at < 0 || text.indexOf(WASM_URI_HEAD, at + 1) >= 0) throw new Error(`${src.path}: expected one embedded wasm data URI`);
  const end = text.indexOf('"', at + WASM_URI_HEAD.length);
  const base64 = text.slice(at + WASM_URI_HEAD.length, end);
  const wasm = Buffer.from(base64, 'base64');
  // (Buffer.from skips characters outside the alphabet; the round trip proves none were there)
  if (end < 0 || wasm.toString('base64') !== base64 || !Wasm.validate(wasm)) throw new Error(`${src.path}: the embedded data URI is not a valid wasm module`);
  if (!text.includes('Module["instantiateWasm"](info,receiveInstance)') || !text.includes("typeof Module === 'undefined'")) {
    throw new Error(`${src.path}: no Module.instantiateWasm hook or UMD Module parameter; this OpenCV.js build cannot be split`);
  }
  let core = WRAP_HEAD + text.slice(0, at) + WASM_URI_HEAD + text.slice(end) + WRAP_TAIL;
  for (const [from, to] of START_UP_PATCHES) {
    const k = core.indexOf(from);
    if (k < 0 || core.indexOf(from, k + 1) >= 0) throw new Error(`${src.path}: expected once: ${from.slice(0, 60)}…`);
    core = core.slice(0, k) + to + core.slice(k + from.length);
  }

  rmSync(join(outDir, OPENCV_SPLIT_FILES.stamp), { force: true }); // nothing is used until the new stamp is written
  writeAtomic(join(outDir, OPENCV_SPLIT_FILES.wasm), wasm);
  writeAtomic(join(outDir, OPENCV_SPLIT_FILES.core), core);
  rmSync(join(outDir, OPENCV_SPLIT_FILES.cache), { force: true });
  const stamp: SplitStamp = {
    format: SPLIT_FORMAT,
    opencvJs: { version: src.version, sizeBytes: src.sizeBytes, mtimeMs: src.mtimeMs },
    coreSha256: sha256(core),
    wasmSizeBytes: wasm.length,
    cacheSha256: null,
  };
  writeAtomic(join(outDir, OPENCV_SPLIT_FILES.stamp), JSON.stringify(stamp, null, 2));
  // the code cache, taken once the runtime has initialised: V8 then includes the functions
  // compiled lazily during start-up, not only the top level
  const { script } = await loadSplit(outDir);
  const cache = script.createCachedData();
  writeAtomic(join(outDir, OPENCV_SPLIT_FILES.cache), cache);
  writeAtomic(join(outDir, OPENCV_SPLIT_FILES.stamp), JSON.stringify({ ...stamp, cacheSha256: sha256(cache) }, null, 2));
}

/** First lines of the OpenCV build information (for `doctor` and manifest.json). */
export function openCvVersion(cv: Cv): string {
  const info: string = cv.getBuildInformation();
  const m = /General configuration for OpenCV ([^\s=]+)/.exec(info);
  return m ? m[1] : 'unknown';
}

/** The installed package's script and what identifies it (an `npm ci` rewrites the file, so its mtime changes). */
function installedOpenCvJs(): { path: string; version: string; sizeBytes: number; mtimeMs: number } {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@techstark/opencv-js');
  const { version } = JSON.parse(readFileSync(join(dirname(path), '..', 'package.json'), 'utf8')) as { version: string };
  const st = statSync(path);
  return { path, version, sizeBytes: st.size, mtimeMs: st.mtimeMs };
}

/**
 * The split path: check the stamp against the installed package and the files against the
 * stamp, run the script with our `instantiateWasm` hook, wait for the runtime. Throws (with the
 * reason) on any mismatch or failure.
 */
async function loadSplit(dir: string): Promise<{ cv: Cv; script: vm.Script; codeCacheUsed: boolean }> {
  const file = (k: keyof typeof OPENCV_SPLIT_FILES) => join(dir, OPENCV_SPLIT_FILES[k]);
  let stamp: SplitStamp;
  try {
    stamp = JSON.parse(readFileSync(file('stamp'), 'utf8')) as SplitStamp;
  } catch {
    throw new Error(`no split OpenCV.js in ${dir}`);
  }
  const src = installedOpenCvJs();
  if (stamp.format !== SPLIT_FORMAT) throw new Error(`split format ${stamp.format}, expected ${SPLIT_FORMAT}`);
  const s = stamp.opencvJs;
  if (s.version !== src.version || s.sizeBytes !== src.sizeBytes || s.mtimeMs !== src.mtimeMs) throw new Error(`split made from another opencv.js (${s.version}, ${s.sizeBytes} B) than the installed one (${src.version}, ${src.sizeBytes} B)`);
  const core = readFileSync(file('core'), 'utf8');
  if (sha256(core) !== stamp.coreSha256) throw new Error(`${file('core')} does not match its stamp`);
  const wasm = readFileSync(file('wasm'));
  if (wasm.length !== stamp.wasmSizeBytes) throw new Error(`${file('wasm')} has ${wasm.length} B, its stamp ${stamp.wasmSizeBytes} B`);
  let cachedData: Buffer | undefined;
  if (stamp.cacheSha256) {
    try {
      cachedData = readFileSync(file('cache'));
      if (sha256(cachedData) !== stamp.cacheSha256) cachedData = undefined;
    } catch { /* compiled from source */ }
  }

  // (V8 rejects a cache from another V8 version or flags, then compiles from source)
  const script = new vm.Script(core, { filename: file('core'), cachedData });
  const codeCacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  let ready!: () => void;
  let failed!: (e: unknown) => void;
  const initialised = new Promise<void>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const Module = {
    instantiateWasm(imports: object, receive: (instance: object, module: object) => void) {
      // (`receive` runs the runtime's start-up: an error or abort in it fails the load too)
      Wasm.instantiate(wasm, imports).then((r) => receive(r.instance, r.module)).catch(failed);
      return {}; // (instantiation is asynchronous: Emscripten waits for `receive`)
    },
    onRuntimeInitialized: () => ready(),
    onAbort: (what: unknown) => failed(new Error(`OpenCV.js aborted: ${String(what)}`)),
  };
  const mod = { exports: {} as Cv };
  withoutEmscriptenHandlers(() => factory.call(mod.exports, mod.exports, createRequire(file('core')), mod, file('core'), dir, Module));
  // (a start that neither finishes nor fails — it takes ≈ 0.1 s — must not hang the run: the
  // caller then falls back to `require`)
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`OpenCV.js from ${dir} did not start within ${SPLIT_START_TIMEOUT_MS / 1000} s`)), SPLIT_START_TIMEOUT_MS);
    timer.unref();
  });
  try {
    await Promise.race([initialised, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  return { cv: mod.exports, script, codeCacheUsed };
}

/** The package as `require` loads it (the path before the split files; kept as the fallback). */
async function loadByRequire(): Promise<Cv> {
  const require = createRequire(import.meta.url);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let cv: any = withoutEmscriptenHandlers(() => require('@techstark/opencv-js'));
  // A real Promise (some builds) is awaited. An Emscripten module object also has a `then`,
  // but awaiting it resolves to itself forever, so it is never awaited: wait for
  // onRuntimeInitialized instead.
  if (cv instanceof Promise) cv = await cv;
  if (!cv.Mat) {
    await new Promise<void>((resolve) => {
      cv.onRuntimeInitialized = () => resolve();
    });
  }
  return withoutThen(cv); // (an async function must not return the thenable module)
}

/**
 * Run `load`, then remove the process-wide 'uncaughtException' (rethrow, printing the whole
 * minified source) and 'unhandledRejection' (abort) handlers the Emscripten runtime installs:
 * lidtrack handles its own errors.
 */
function withoutEmscriptenHandlers<T>(load: () => T): T {
  const before = {
    uncaught: new Set(process.listeners('uncaughtException')),
    rejection: new Set(process.listeners('unhandledRejection')),
  };
  try {
    return load();
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!before.uncaught.has(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.rejection.has(l)) process.off('unhandledRejection', l);
  }
}

/**
 * Remove the Emscripten `then` so the module can be returned from async functions
 * (a promise resolved with a thenable that resolves to itself never settles).
 */
function withoutThen(cv: Cv): Cv {
  if (typeof cv.then === 'function') delete cv.then;
  if (typeof cv.then === 'function') cv.then = undefined;
  return cv;
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Write through a temporary file and a rename: a concurrent start never reads a half-written file. */
function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
