/**
 * The OpenCV.js split (writeOpenCvSplit → loadOpenCvFrom): the runtime loaded from the split
 * files computes what the package loaded by `require` computes, and the loader falls back to
 * `require` whenever the split files are missing, stale or damaged.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Cv, loadOpenCvFrom, OPENCV_SPLIT_FILES, writeOpenCvSplit } from '../../src/segment/opencv.js';
import { mulberry32 } from '../helpers/rng.js';

/** GaussianBlur (5 × 5, σ 1.3) of a 0/255 speckle image, and its 8-connected components with stats. Non-square. */
function blurAndLabel(cv: Cv): { blurred: number[]; labels: number[]; stats: number[]; n: number } {
  const w = 23, h = 17;
  const rnd = mulberry32(5);
  const src = new cv.Mat(h, w, cv.CV_8UC1);
  const px = src.data as Uint8Array;
  for (let i = 0; i < w * h; i++) px[i] = rnd() < 0.3 ? 255 : 0;
  const blurred = new cv.Mat(), bin = new cv.Mat(), labels = new cv.Mat(), stats = new cv.Mat(), cents = new cv.Mat();
  cv.GaussianBlur(src, blurred, new cv.Size(5, 5), 1.3, 1.3, cv.BORDER_REFLECT_101);
  cv.threshold(blurred, bin, 100, 255, cv.THRESH_BINARY);
  const n = cv.connectedComponentsWithStats(bin, labels, stats, cents, 8, cv.CV_32S) as number;
  const out = { blurred: [...(blurred.data as Uint8Array)], labels: [...(labels.data32S as Int32Array)], stats: [...(stats.data32S as Int32Array)], n };
  for (const m of [src, blurred, bin, labels, stats, cents]) m.delete();
  return out;
}

describe('OpenCV.js split loading', () => {
  let dir: string;
  const file = (k: keyof typeof OPENCV_SPLIT_FILES) => join(dir, OPENCV_SPLIT_FILES[k]);
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lidtrack-opencv-split-'));
    await writeOpenCvSplit(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads from the split files, with the code cache, and computes what the required package computes', async () => {
    const split = await loadOpenCvFrom(dir);
    expect(split.via).toBe('split');
    expect(split.codeCacheUsed).toBe(true);
    const required = await loadOpenCvFrom(join(dir, 'absent'));
    expect(required.via).toBe('require');
    expect(split.cv).not.toBe(required.cv); // two runtimes, really compared
    const a = blurAndLabel(split.cv), b = blurAndLabel(required.cv);
    expect(a.n).toBeGreaterThan(3); // a non-trivial labelling
    expect(new Set(a.blurred).size).toBeGreaterThan(10); // and a real blur
    expect(a).toEqual(b);
    // the Emscripten module's `then` is gone (it can be returned from async functions) and its
    // process-wide handlers are not left installed
    expect(typeof split.cv.then).not.toBe('function');
    expect(process.listeners('uncaughtException').some((l) => String(l).includes('ExitStatus'))).toBe(false);
    expect(process.listeners('unhandledRejection').some((l) => String(l).includes('abort'))).toBe(false);
  });

  it('falls back to require when a split file is missing', async () => {
    const wasm = readFileSync(file('wasm'));
    rmSync(file('wasm'));
    try {
      const l = await loadOpenCvFrom(dir);
      expect(l.via).toBe('require');
      expect(l.fallbackReason).toMatch(/opencv\.wasm|ENOENT/);
      expect(blurAndLabel(l.cv).n).toBeGreaterThan(3);
    } finally {
      writeFileSync(file('wasm'), wasm);
    }
  });

  it('falls back to require when the stamp does not match the installed package or the files', async () => {
    const stamp = readFileSync(file('stamp'), 'utf8');
    try {
      const s = JSON.parse(stamp);
      writeFileSync(file('stamp'), JSON.stringify({ ...s, opencvJs: { ...s.opencvJs, sizeBytes: s.opencvJs.sizeBytes + 1 } }));
      expect((await loadOpenCvFrom(dir)).fallbackReason).toMatch(/another opencv\.js/);
      writeFileSync(file('stamp'), JSON.stringify({ ...s, format: s.format + 1 }));
      expect((await loadOpenCvFrom(dir)).fallbackReason).toMatch(/split format/);
      writeFileSync(file('stamp'), stamp);
      const core = readFileSync(file('core'), 'utf8');
      writeFileSync(file('core'), core.replace('Module', 'Mod_le'));
      try {
        expect((await loadOpenCvFrom(dir)).fallbackReason).toMatch(/does not match its stamp/);
      } finally {
        writeFileSync(file('core'), core);
      }
    } finally {
      writeFileSync(file('stamp'), stamp);
    }
    expect((await loadOpenCvFrom(dir)).via).toBe('split'); // restored
  });

  it('falls back to require when the wasm does not instantiate, and ignores a damaged code cache', async () => {
    const wasm = readFileSync(file('wasm'));
    const cache = readFileSync(file('cache'));
    try {
      const bad = Buffer.from(wasm);
      bad.fill(0, 8, 4096); // same size, invalid sections
      writeFileSync(file('wasm'), bad);
      const l = await loadOpenCvFrom(dir);
      expect(l.via).toBe('require');
      expect(l.fallbackReason).toMatch(/WebAssembly|wasm|abort/i);
      writeFileSync(file('wasm'), wasm);
      writeFileSync(file('cache'), cache.subarray(0, cache.length >> 1));
      const c = await loadOpenCvFrom(dir);
      expect(c.via).toBe('split');
      expect(c.codeCacheUsed).toBe(false);
    } finally {
      writeFileSync(file('wasm'), wasm);
      writeFileSync(file('cache'), cache);
    }
  });
});
