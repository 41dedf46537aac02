import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Frame } from '../../src/core/types.js';
import { openSource, probeSource } from '../../src/ingest/index.js';
import { makeTempDir } from './makeInputs.js';

const tmp = makeTempDir('stills');
const f = (name: string) => join(tmp.dir, name);
const W = 40;
const H = 30;
const PAGES = 6;

async function collect(it: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const fr of it) out.push(fr);
  return out;
}

/** 8-bit page p: value (x + 3y + 17p) mod 256. */
const v8 = (x: number, y: number, p: number) => (x + 3 * y + 17 * p) % 256;
/**
 * 16-bit page p: a 12-bit-camera-like image. Pixel (0,0) is constant 3000 on every page (it
 * must map to the same 8-bit value on every page); the rest spans 1000…5000 and shifts with p.
 */
const v16 = (x: number, y: number, p: number) => (x === 0 && y === 0 ? 3000 : 1000 + ((x * 97 + y * 31 + p * 400) % 4001));

async function writeStack(path: string, bits: 8 | 16, pages: number): Promise<void> {
  const Arr = bits === 16 ? Uint16Array : Uint8Array;
  const data = new Arr(W * H * pages);
  for (let p = 0; p < pages; p++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[p * W * H + y * W + x] = bits === 16 ? v16(x, y, p) : v8(x, y, p);
  await sharp(data, { raw: { width: W, height: H * pages, channels: 1, pageHeight: H } })
    .toColourspace(bits === 16 ? 'grey16' : 'b-w')
    .tiff({ compression: 'lzw' })
    .toFile(path);
}

const csvTimes = [0, 0.5, 1.25, 2.0, 4.0, 4.5]; // irregular, with a gap

beforeAll(async () => {
  await writeStack(f('stack8.tif'), 8, PAGES);
  await writeStack(f('stack16.tif'), 16, PAGES);
  writeFileSync(f('times.csv'), 'frame,t_s\n' + csvTimes.map((t, i) => `${i},${t}`).join('\n') + '\n');
  writeFileSync(f('few.csv'), 'frame,t_s\n0,0\n1,1\n2,2\n');
  writeFileSync(f('nan.csv'), 'frame,t_s\n0,0\n1,0.5\nx2,abc\n');
  writeFileSync(f('nanT.csv'), 'frame,t_s\n0,0\n1,0.5\n2,abc\n');
  writeFileSync(f('unsorted.csv'), 'frame,t_s\n0,0\n1,2\n2,1.5\n3,3\n4,4\n5,5\n');
  // Image sequence: frame k has gray value 10·k; names sort wrongly as text (img_10 < img_2).
  mkdirSync(f('seq'));
  for (const k of [0, 1, 2, 9, 10, 11]) {
    await sharp(Buffer.alloc(W * H, 10 * k), { raw: { width: W, height: H, channels: 1 } }).png().toFile(join(f('seq'), `img_${k}.png`));
  }
  // Colour sequence (RGB PNG): pure red / green / blue thirds.
  mkdirSync(f('rgb'));
  const rgb = Buffer.alloc(30 * 2 * 3);
  for (let x = 0; x < 30; x++) for (let y = 0; y < 2; y++) rgb[(y * 30 + x) * 3 + Math.floor(x / 10)] = 255;
  for (let k = 0; k < 2; k++) await sharp(rgb, { raw: { width: 30, height: 2, channels: 3 } }).png().toFile(join(f('rgb'), `c${String(k).padStart(3, '0')}.png`));
}, 60_000);

afterAll(() => tmp.cleanup());

describe('TIFF stacks', () => {
  it('8-bit stack + timestamps CSV: every page, exact pixels, tS from the CSV', async () => {
    const src = await openSource(f('stack8.tif'), { timestampsCsv: f('times.csv') });
    expect(src.kind).toBe('tiff-stack');
    expect(src.timestampSource).toBe('timestamps-csv');
    expect(src.info.bitDepth).toBe(8);
    expect(src.info.frameCount).toBe(PAGES);
    expect(src.info.irregularTimestamps).toBe(true);
    const frames = await collect(src.frames());
    expect(frames.map((x) => x.tS)).toEqual(csvTimes);
    for (const fr of frames) {
      expect([fr.width, fr.height]).toEqual([W, H]);
      for (const [x, y] of [[0, 0], [39, 0], [0, 29], [17, 11], [39, 29]]) expect(fr.data[y * W + x]).toBe(v8(x, y, fr.index));
    }
  });

  it('16-bit stack: one fixed linear window (0.1/99.9 percentiles of sampled pages) for all pages', async () => {
    const src = await openSource(f('stack16.tif'), { timestampsCsv: f('times.csv') });
    expect(src.info.bitDepth).toBe(16);
    const m = /window (\d+)…(\d+)/.exec(src.info.grayConversion);
    expect(m).not.toBeNull();
    const lo = Number(m?.[1]);
    const hi = Number(m?.[2]);
    // The data span 1000…5000: the percentile window lies just inside it.
    expect(lo).toBeGreaterThanOrEqual(1000);
    expect(lo).toBeLessThan(1020);
    expect(hi).toBeGreaterThan(4980);
    expect(hi).toBeLessThanOrEqual(5000);
    const frames = await collect(src.frames());
    expect(frames).toHaveLength(PAGES);
    const expected = (v: number) => Math.min(255, Math.max(0, Math.round(((v - lo) * 255) / (hi - lo))));
    const constant = new Set<number>();
    for (const fr of frames) {
      constant.add(fr.data[0]);
      for (const [x, y] of [[1, 0], [5, 7], [39, 29], [20, 15]]) expect(fr.data[y * W + x]).toBe(expected(v16(x, y, fr.index)));
    }
    expect([...constant]).toEqual([expected(3000)]); // no frame-to-frame flicker
  });

  it('16-bit stack with an ROI: cropped frames, same window rule', async () => {
    const src = await openSource(f('stack16.tif'), { fps: 2, roi: { x: 5, y: 4, width: 11, height: 7 } });
    const frames = await collect(src.frames());
    expect([frames[0].width, frames[0].height, frames[0].data.length]).toEqual([11, 7, 77]);
    expect(frames[3].tS).toBe(1.5);
  });

  it('maxFrames stops early; breaking out marks the pass as stopped by the consumer', async () => {
    const src = await openSource(f('stack8.tif'), { fps: 1 });
    let n = 0;
    for await (const fr of src.frames()) {
      void fr;
      if (++n === 2) break;
    }
    expect(src.lastReport()?.stoppedByConsumer).toBe(true);
    const capped = await collect((await openSource(f('stack8.tif'), { fps: 1, maxFrames: 4 })).frames());
    expect(capped).toHaveLength(4);
  });

  it('probeSource describes a stack without timing', async () => {
    const info = await probeSource(f('stack16.tif'));
    expect([info.format, info.width, info.height, info.frameCount, info.bitDepth, info.nominalFps]).toEqual(['tiff-stack', W, H, PAGES, 16, null]);
  });
});

describe('image sequences', () => {
  const expectOrder = (frames: Frame[], fps: number) => {
    expect(frames.map((x) => x.data[0])).toEqual([0, 10, 20, 90, 100, 110]); // natural order
    frames.forEach((x, k) => expect(x.tS).toBeCloseTo(k / fps, 12));
  };
  it('a folder with --fps: natural sort (img_2 before img_10), tS = k/fps', async () => {
    const src = await openSource(f('seq'), { fps: 4 });
    expect(src.kind).toBe('image-sequence');
    expect(src.timestampSource).toBe('fps');
    expectOrder(await collect(src.frames()), 4);
  });
  it('a printf pattern and a glob give the same frames', async () => {
    expectOrder(await collect((await openSource(join(f('seq'), 'img_%d.png'), { fps: 4 })).frames()), 4);
    expectOrder(await collect((await openSource(join(f('seq'), 'img_*.png'), { fps: 4 })).frames()), 4);
  });
  it('colour images: BT.601 luma (red 76, green 150, blue 29)', async () => {
    const src = await openSource(f('rgb'), { fps: 1 });
    expect(src.info.grayConversion).toMatch(/0\.299 R \+ 0\.587 G \+ 0\.114 B/);
    const [fr] = await collect(src.frames());
    expect([fr.data[0], fr.data[15], fr.data[25]]).toEqual([76, 150, 29]);
  });
  it('a pattern that matches nothing → InputError naming it', async () => {
    await expect(openSource(join(f('seq'), 'frame_%04d.png'), { fps: 1 })).rejects.toThrow(/no PNG\/TIFF\/JPEG frames found at .*frame_%04d\.png/);
  });
});

describe('timing of stills: errors', () => {
  it('neither --timestamps nor --fps → InputError that explains both', async () => {
    const e = await openSource(f('stack8.tif')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).oneLine()).toMatch(/--timestamps FILE\.csv.*--fps N/);
  });
  it('both → InputError', async () => {
    await expect(openSource(f('stack8.tif'), { fps: 2, timestampsCsv: f('times.csv') })).rejects.toThrow(/--timestamps and --fps were both given/);
  });
  it('--fps 0 → InputError naming --fps and the value', async () => {
    await expect(openSource(f('stack8.tif'), { fps: 0 })).rejects.toThrow(/--fps must be a positive number.*got 0/);
  });
  it('too few rows → InputError with both counts', async () => {
    await expect(openSource(f('stack8.tif'), { timestampsCsv: f('few.csv') })).rejects.toThrow(/few\.csv has 3 rows but .*stack8\.tif has 6 frames/);
  });
  it('a non-numeric row → InputError with file and line', async () => {
    await expect(openSource(f('stack8.tif'), { timestampsCsv: f('nan.csv') })).rejects.toThrow(/nan\.csv line 4: frame "x2" is not a whole number/);
    await expect(openSource(f('stack8.tif'), { timestampsCsv: f('nanT.csv') })).rejects.toThrow(/nanT\.csv line 4: t_s "abc" is not a number/);
  });
  it('unsorted times → InputError with file and line', async () => {
    await expect(openSource(f('stack8.tif'), { timestampsCsv: f('unsorted.csv') })).rejects.toThrow(/unsorted\.csv line 4: t_s 1\.5 is not later than the previous frame's 2/);
  });
  it('a missing timestamps file → InputError', async () => {
    await expect(openSource(f('stack8.tif'), { timestampsCsv: f('nope.csv') })).rejects.toThrow(/--timestamps file not found: .*nope\.csv/);
  });
});
