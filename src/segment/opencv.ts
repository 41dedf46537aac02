/**
 * Loading OpenCV.js (@techstark/opencv-js, pinned in package.json). The module's default
 * export is either the ready `cv` object, a promise of it, or an object that becomes ready
 * when its `onRuntimeInitialized` fires — depending on the build. All three are handled.
 */
import { createRequire } from 'node:module';

// OpenCV.js ships no usable TypeScript types for its runtime object; keep `any` in one place.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Cv = any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CvMat = any;

let loading: Promise<Cv> | null = null;

/** The OpenCV.js runtime, loaded once per process (≈ 1 s). */
export function loadOpenCv(): Promise<Cv> {
  if (loading) return loading;
  loading = (async () => {
    const require = createRequire(import.meta.url);
    // The Emscripten runtime installs process-wide 'uncaughtException' (rethrow, printing its
    // whole minified source) and 'unhandledRejection' (abort) handlers; lidtrack handles its own
    // errors, so those handlers are removed again after loading.
    const before = {
      uncaught: new Set(process.listeners('uncaughtException')),
      rejection: new Set(process.listeners('unhandledRejection')),
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let cv: any = require('@techstark/opencv-js');
    for (const l of process.listeners('uncaughtException')) if (!before.uncaught.has(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!before.rejection.has(l)) process.off('unhandledRejection', l);
    // A real Promise (some builds) is awaited. An Emscripten module object also has a `then`,
    // but awaiting it resolves to itself forever, so it is never awaited: wait for
    // onRuntimeInitialized instead.
    if (cv instanceof Promise) cv = await cv;
    if (!cv.Mat) {
      await new Promise<void>((resolve) => {
        cv.onRuntimeInitialized = () => resolve();
      });
    }
    // Remove the Emscripten `then` so the module can be returned from async functions
    // (a promise resolved with a thenable that resolves to itself never settles).
    if (typeof cv.then === 'function') delete cv.then;
    if (typeof cv.then === 'function') cv.then = undefined;
    return cv as Cv;
  })();
  return loading;
}

/** First lines of the OpenCV build information (for `doctor` and manifest.json). */
export function openCvVersion(cv: Cv): string {
  const info: string = cv.getBuildInformation();
  const m = /General configuration for OpenCV ([^\s=]+)/.exec(info);
  return m ? m[1] : 'unknown';
}
