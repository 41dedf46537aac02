/**
 * The reference's loops on WebAssembly (src/segment/refScan.ts) give the bits of the JavaScript
 * they replaced. Each oracle below is that JavaScript, as it was (reference.ts, interface.ts,
 * segmenter.ts and coarseDetect.ts before the move), run on random images of awkward sizes (widths
 * not a multiple of 16, one row, two columns), with the edge cases the real data can hold: a
 * wavy interface, pixels off the crystal, zero and negative backgrounds, NaN and ±∞ in vPx.
 * robustSigma, gaussianAtPoints, keepCrackLike (wholeMaskRuns) and dilateBinary are checked
 * against their definitions in referenceExact.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/core/packageRoot.js';
import {
  binnedBackground, crystalBackground, crystalOnlyImage, gridResiduals, interfaceCrossings, mapBytesInPlace, markDarkFeatures, wholeMaskRuns,
} from '../../src/segment/refScan.js';
import { maskRuns, MaskRuns } from '../../src/segment/components.js';
import { binnedSumJs } from '../helpers/binnedSum.js';
import { mulberry32 } from '../helpers/rng.js';

const rng = mulberry32;

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const SIZES: Array<[number, number]> = [[1, 5], [2, 3], [17, 1], [37, 23], [130, 41], [300, 9]];

/** An image with an electrode (dark or bright) above a wavy interface, a crystal with texture and a few dark cracks. */
function cell(cw: number, ch: number, seed: number, brightElectrode = false) {
  const r = rng(seed);
  const img = new Uint8Array(cw * ch);
  const iface = Float32Array.from({ length: cw }, (_, u) => ch * 0.15 + 2 * Math.sin(u / 7) + r());
  for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
    const electrode = v < iface[u];
    // (in some columns the electrode's level comes near the crystal's: the local levels are then
    // too close, and the crossing is that of the global midpoint)
    const faint = Math.floor(u / 9) % 4 === 3;
    let g = electrode ? (faint ? 135 + 10 * r() : brightElectrode ? 230 : 30) : 150 + 30 * r();
    if (!electrode && r() < 0.02) g = 40 + 60 * r(); // dark grains and cracks
    img[v * cw + u] = Math.round(g);
  }
  return { img, iface, r };
}

// ---- oracles: the replaced JavaScript ----

function grayMedianJs(hist: Uint32Array, n: number): number {
  const rank = n >> 1;
  let acc = 0;
  for (let g = 0; g < 256; g++) { acc += hist[g]; if (acc > rank) return g; }
  return NaN;
}
function smoothAtJs(img: Uint8Array, cw: number, u: number, v: number): number {
  const a = Math.max(0, u - 1), b = Math.min(cw - 1, u + 1);
  let s = 0;
  for (let k = a; k <= b; k++) s += img[v * cw + k];
  return s / (b - a + 1);
}
function crossingsJs(img: Uint8Array, cw: number, edgeRows: number, v0: number, v1: number, E: number, C: number, sign: number, maxV: number): Float32Array {
  const raw = new Float32Array(cw);
  const colHists = (va: number, vb: number) => {
    const h = new Uint32Array(cw * 256);
    for (let v = va; v < vb; v++) for (let u = 0; u < cw; u++) h[u * 256 + img[v * cw + u]]++;
    return h;
  };
  const hE = colHists(0, edgeRows), hC = colHists(v0, v1);
  const winE = new Uint32Array(256), winC = new Uint32Array(256);
  const addCol = (win: Uint32Array, h: Uint32Array, k: number, sgn: number) => { for (let g = 0; g < 256; g++) win[g] += sgn * h[k * 256 + g]; };
  for (let k = 0; k <= Math.min(cw - 1, 1); k++) { addCol(winE, hE, k, 1); addCol(winC, hC, k, 1); }
  for (let u = 0; u < cw; u++) {
    if (u + 2 <= cw - 1) { addCol(winE, hE, u + 2, 1); addCol(winC, hC, u + 2, 1); }
    if (u - 3 >= 0) { addCol(winE, hE, u - 3, -1); addCol(winC, hC, u - 3, -1); }
    const nCols = Math.min(cw - 1, u + 2) - Math.max(0, u - 2) + 1;
    const eU = grayMedianJs(winE, nCols * edgeRows), cU = grayMedianJs(winC, nCols * (v1 - v0));
    const mid = Math.abs(cU - eU) > 0.5 * Math.abs(C - E) ? (eU + cU) / 2 : (E + C) / 2;
    let found = -0.5;
    let prev = smoothAtJs(img, cw, u, 0);
    for (let v = 1; v < maxV; v++) {
      const cur = smoothAtJs(img, cw, u, v);
      if (sign * (prev - mid) < 0 && sign * (cur - mid) >= 0) { found = v - 1 + (mid - prev) / (cur - prev); break; }
      prev = cur;
    }
    raw[u] = found;
  }
  return raw;
}

describe('the reference loops on WebAssembly', () => {
  it("interface crossings: the bits of detectInterface's column histograms, running medians and profile search", () => {
    let crossings = 0;
    for (const [cw, ch] of [...SIZES, [260, 120]] as Array<[number, number]>) {
      if (ch < 3) continue;
      for (const bright of [false, true]) {
        const { img } = cell(cw, ch, cw * 31 + ch, bright);
        const edgeRows = Math.max(1, Math.min(3, Math.floor(ch / 20)));
        const v0 = Math.floor(ch * 0.3), v1 = Math.max(v0 + 1, Math.floor(ch * 0.7));
        const E = bright ? 230 : 30, C = 160, sign = C > E ? 1 : -1, maxV = Math.floor(ch * 0.9);
        const want = crossingsJs(img, cw, edgeRows, v0, v1, E, C, sign, maxV);
        const got = interfaceCrossings(img, cw, ch, edgeRows, v0, v1, E, C, sign, maxV);
        expect(bytesOf(got).equals(bytesOf(want)), `${cw}×${ch} ${bright}`).toBe(true);
        crossings += Array.from(want).filter((x) => x !== -0.5).length;
      }
    }
    expect(crossings).toBeGreaterThan(200); // (the search found the interface, not only "none")
  });

  it('dark features: the bits of markDark (threshold table, crystal bound per column, float32 darkening)', () => {
    for (const [cw, ch] of SIZES) {
      const r = rng(cw + 7 * ch);
      const closed = new Uint8Array(cw * ch).map(() => Math.floor(r() * 256));
      const median = new Uint8Array(cw * ch).map((_, i) => Math.floor(closed[i] * r()));
      const thr = 0.07;
      const isDark = new Uint8Array(65536);
      for (let c = 1; c < 256; c++) for (let m = 0; m < 256; m++) isDark[(c << 8) | m] = Math.fround((c - m) / c) > thr ? 1 : 0;
      // (integers too: v = crystalFrom[u] is not in the crystal)
      const crystalFrom = Float64Array.from({ length: cw }, (_, u) => (u % 5 === 0 ? NaN : u % 7 === 0 ? -Infinity : u % 3 === 0 ? Math.floor(ch * r()) : ch * r() - 1.5));
      const dark = new Uint8Array(cw * ch), darkRel = new Float32Array(cw * ch);
      for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
        const i = v * cw + u, c = closed[i];
        if (v > crystalFrom[u] && isDark[(c << 8) | median[i]]) { dark[i] = 1; darkRel[i] = (c - median[i]) / c; }
      }
      const got = markDarkFeatures(closed, median, isDark, crystalFrom, cw, ch);
      expect(bytesOf(got.dark).equals(bytesOf(dark))).toBe(true);
      expect(bytesOf(got.darkRel).equals(bytesOf(darkRel))).toBe(true);
    }
  });

  it('grid residuals: the bits of frameResiduals over several frames (gray map, zero medians skipped)', () => {
    const cw = 53, ch = 31, r = rng(5);
    const median = new Uint8Array(cw * ch).map(() => (r() < 0.1 ? 0 : Math.floor(r() * 256)));
    const frames = [0, 1, 2].map(() => new Uint8Array(cw * ch).map(() => Math.floor(r() * 256)));
    const map = new Uint8Array(256).map((_, g) => Math.min(255, Math.max(0, Math.round(((g - 16) * 255) / 219))));
    const su = Int32Array.from({ length: 400 }, () => Math.floor(r() * cw)), sv = Int32Array.from({ length: 400 }, () => Math.floor(r() * ch));
    const want: number[] = [];
    for (const f of frames) for (let k = 0; k < su.length; k++) {
      const i = sv[k] * cw + su[k];
      if (median[i] > 0) want.push((median[i] - map[f[i]]) / median[i]);
    }
    const got = gridResiduals(frames, median, map, su, sv, cw);
    expect(got.count).toBe(want.length);
    expect(bytesOf(got.samples).equals(bytesOf(Float64Array.from(want)))).toBe(true);
  });

  it('crystal-only image and gray map: the bits of the column fill and of the table lookup', () => {
    for (const [cw, ch] of SIZES) {
      const { img } = cell(cw, ch, cw + ch);
      const r = rng(cw * ch);
      const vPx = Float32Array.from({ length: cw }, (_, u) => (u === 1 ? NaN : u === 2 ? Infinity : u === 3 ? -Infinity : ch * 1.2 * r() - 5));
      const want = img.slice();
      for (let u = 0; u < cw; u++) {
        const vs = Math.min(ch - 1, Math.max(0, Math.floor(vPx[u]) + 4));
        for (let v = 0; v < Math.min(vs, ch); v++) want[v * cw + u] = img[vs * cw + u];
      }
      expect(bytesOf(crystalOnlyImage(img, cw, ch, vPx)).equals(bytesOf(want))).toBe(true);
      const map = new Uint8Array(256).map(() => Math.floor(r() * 256));
      const mapped = img.slice();
      mapBytesInPlace(mapped, map);
      expect(bytesOf(mapped).equals(bytesOf(img.map((g) => map[g])))).toBe(true);
    }
    // more than one chunk of the table lookup (65 536 bytes each)
    const big = new Uint8Array(200_003).map((_, i) => (i * 7919) & 255), map = new Uint8Array(256).map((_, g) => 255 - g);
    const mapped = big.slice();
    mapBytesInPlace(mapped, map);
    expect(bytesOf(mapped).equals(bytesOf(big.map((g) => 255 - g)))).toBe(true);
  });

  it("the segmenter's crystal background and the coarse detector's 2 × 2 sums: the bits of their constructors' loops", () => {
    for (const [cw, ch] of [...SIZES, [64, 40], [1922, 7]] as Array<[number, number]>) {
      const r = rng(3 * cw + ch);
      const background = new Float32Array(cw * ch).map(() => (r() < 0.05 ? 0 : r() < 0.02 ? -3 : 40 + r() * 200));
      // (integers too: v = vPx[u] + 0.5 is not in the crystal)
      const vPx = Float32Array.from({ length: cw }, (_, u) => (u === 0 ? NaN : u % 3 === 0 ? Math.floor(ch * r()) + 0.5 : ch * 0.5 * r() - 1));
      const want = new Float32Array(cw * ch);
      for (let v = 0; v < ch; v++) for (let u = 0; u < cw; u++) {
        const i = v * cw + u;
        if (v > vPx[u] + 0.5 && background[i] > 0) want[i] = background[i];
      }
      const bg = crystalBackground(background, vPx, cw, ch);
      expect(bytesOf(bg).equals(bytesOf(want))).toBe(true);
      // the 2 × 2 sums: of B where the four of bg (another image here, with zeros, −0 and NaN) are ≠ 0
      const other = new Float32Array(cw * ch).map(() => (r() < 0.05 ? 0 : r() < 0.02 ? -0 : r() < 0.02 ? NaN : 1 + r()));
      const hw = cw >> 1, hh = ch >> 1;
      expect(bytesOf(binnedBackground(other, background, cw, hw, hh)).equals(bytesOf(binnedSumJs(other, background, cw, hw, hh)))).toBe(true);
    }
  });

  it('runs of a whole mask: those of maskRuns on the full-frame rectangle (sparse, dense, 16-byte stretches, row ends)', () => {
    for (const [cw, ch] of [...SIZES, [100, 70]] as Array<[number, number]>) {
      for (const density of [0.02, 0.5, 0.97]) {
        const r = rng(cw * 13 + ch + density * 100);
        const mask = new Uint8Array(cw * ch);
        // stretches of 1–40 pixels on and off, values other than 1 too
        for (let i = 0, on = false; i < mask.length; on = !on) {
          const len = 1 + Math.floor(r() * 40);
          for (let k = 0; k < len && i < mask.length; k++, i++) if (on && r() < density * 1.02) mask[i] = 1 + Math.floor(r() * 255);
        }
        const want = maskRuns(mask, cw, [{ x: 0, y: 0, w: cw, h: ch }], new MaskRuns());
        const got = wholeMaskRuns(mask, cw, ch);
        expect(got.count).toBe(want.count);
        expect(got.pixels).toBe(want.pixels);
        for (const k of ['v', 'a', 'b'] as const) expect(Array.from(got[k].subarray(0, got.count))).toEqual(Array.from(want[k].subarray(0, want.count)));
      }
    }
  });

  it('detaches no ArrayBuffer (a first detached one makes V8 slow every typed-array access it compiles afterwards)', () => {
    // (refScan bundled by esbuild and run by a plain node: tsx's loader itself detaches buffers)
    const dir = mkdtempSync(join(tmpdir(), 'lidtrack-refscan-'));
    const entry = join(dir, 'entry.ts'), out = join(dir, 'run.mjs');
    writeFileSync(entry, `import * as k from ${JSON.stringify(join(PACKAGE_ROOT, 'src', 'segment', 'refScan.ts'))};
const cw = 200, ch = 120, img = new Uint8Array(cw * ch).map((_, i) => (i * 7919) % 251), mask = img.map((g) => (g > 200 ? 1 : 0));
const vPx = new Float32Array(cw).fill(10), bg = Float32Array.from(img);
k.interfaceCrossings(img, cw, ch, 3, 36, 84, 30, 150, 1, 108);
k.crystalOnlyImage(img, cw, ch, vPx); k.mapBytesInPlace(img.slice(), new Uint8Array(256));
k.markDarkFeatures(img, img, new Uint8Array(65536).fill(1), new Float64Array(cw), cw, ch);
k.gridResiduals([img], img, new Uint8Array(256), Int32Array.of(1, 2), Int32Array.of(3, 4), cw);
k.robustSigmaOf(Float64Array.of(1, 2, 3));
k.gaussAtPoints(img, cw, ch, Float64Array.of(0.25, 0.5, 0.25), Int32Array.of(5, 9, 5), Int32Array.of(7, 7, 60));
k.wholeMaskRuns(mask, cw, ch); k.crystalBackground(bg, vPx, cw, ch); k.binnedBackground(bg, bg, cw, cw >> 1, ch >> 1);
console.log('ran');
`);
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
    const r = spawnSync(process.execPath, ['--trace-protector-invalidation', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('ran');
    expect(r.stdout + r.stderr).not.toMatch(/Invalidating protector cell ArrayBufferDetaching/);
  });
});
