/**
 * Frames from still images read one at a time with sharp (libvips): the pages of a multi-page
 * TIFF, or the files of an image sequence. Only the page being handed out and the one being
 * read ahead are in memory, whatever the number of pages.
 */
import type { Metadata, OutputInfo } from 'sharp';
import { loadSharp } from '../core/lazySharp.js';
import type { Frame, RoiPx, VideoInfo } from '../core/types.js';
import { InputError, VideoDecodeError } from '../core/errors.js';
import { checkRoi } from './checkRoi.js';
import { depthLut, depthMapFromSamples, describeDepthMap, lumaBt601, samplePageIndices, type DepthMap } from './grayMapping.js';
import type { DecodeReport, IngestFrameSource, TimestampSource } from './types.js';

/** One frame's image: a file and a page in it. */
export interface PageRef {
  file: string;
  page: number;
}

/** Pixel layout shared by every page of a source (checked page by page). */
interface RasterLayout {
  width: number;
  height: number;
  bits: 8 | 16;
  colour: boolean;
  format: string;
}

interface GrayPage {
  width: number;
  height: number;
  /** 8- or 16-bit gray samples. */
  values: Uint8Array | Uint16Array;
}

function describe(ref: PageRef, multiPage: boolean): string {
  return multiPage ? `${ref.file} page ${ref.page + 1}` : ref.file;
}

/** Size, depth and colour of an image, with the unsupported cases turned into InputError. */
export async function rasterLayout(ref: PageRef): Promise<RasterLayout & { pages: number }> {
  let m: Metadata;
  try {
    const sharp = await loadSharp();
    m = await sharp(ref.file, { page: ref.page, failOn: 'error' }).metadata();
  } catch (e) {
    throw new VideoDecodeError(`${ref.file} is not a readable image (${(e as Error).message.split('\n')[0]})`, 'give a TIFF stack, or a folder of PNG/TIFF/JPEG images', { cause: e });
  }
  const depth = m.depth ?? 'uchar';
  if (depth !== 'uchar' && depth !== 'ushort') {
    throw new InputError(`${ref.file} has ${depth} samples; lidtrack reads 8- and 16-bit unsigned images`, 'export the stack as 8- or 16-bit unsigned integer TIFF (Fiji: Image › Type › 16-bit)');
  }
  const channels = m.channels ?? 1;
  const hasAlpha = m.hasAlpha ?? false;
  const colour = channels - (hasAlpha ? 1 : 0) >= 3;
  if (!m.width || !m.height) throw new VideoDecodeError(`${ref.file} has no image size`, 'the file is damaged; export it again');
  const pageHeight = m.pageHeight && m.pages && m.pages > 1 ? m.pageHeight : m.height;
  return { width: m.width, height: pageHeight, bits: depth === 'ushort' ? 16 : 8, colour, format: m.format ?? 'unknown', pages: m.pages ?? 1 };
}

/** Read one page as gray samples at the source depth (BT.601 luma for colour), cropped to `roi`. */
async function readGrayPage(ref: PageRef, layout: RasterLayout, roi: RoiPx | null, multiPage: boolean): Promise<GrayPage> {
  const sharp = await loadSharp();
  let img = sharp(ref.file, { page: ref.page, pages: 1, failOn: 'error', limitInputPixels: false }).removeAlpha();
  // Colour: get the RGB samples and apply the BT.601 rule ourselves (libvips' own b-w
  // conversion works in linear light with BT.709 weights, which would differ from video).
  img = img.toColourspace(layout.colour ? (layout.bits === 16 ? 'rgb16' : 'srgb') : layout.bits === 16 ? 'grey16' : 'b-w');
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await img.raw({ depth: layout.bits === 16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new VideoDecodeError(`${describe(ref, multiPage)} cannot be decoded (${(e as Error).message.split('\n')[0]})`, 'the file is damaged or truncated; export it again', { cause: e });
  }
  const { width, height, channels } = out.info;
  if (width !== layout.width || height !== layout.height) {
    throw new InputError(
      `${describe(ref, multiPage)} is ${width}×${height} px but the first frame is ${layout.width}×${layout.height} px`,
      'all frames of a stack or sequence must have the same size',
    );
  }
  const n = width * height;
  const buf = out.data;
  let values: Uint8Array | Uint16Array =
    layout.bits === 16 ? new Uint16Array(buf.buffer, buf.byteOffset, buf.length / 2) : new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  if (channels >= 3) values = lumaBt601(values, channels, layout.bits === 16 ? new Uint16Array(n) : new Uint8Array(n));
  else if (channels !== 1) values = values.filter((_, i) => i % channels === 0) as typeof values;
  if (roi) values = crop(values, width, roi);
  return { width: roi ? roi.width : width, height: roi ? roi.height : height, values };
}

function crop<T extends Uint8Array | Uint16Array>(v: T, width: number, roi: RoiPx): T {
  const out = (v instanceof Uint16Array ? new Uint16Array(roi.width * roi.height) : new Uint8Array(roi.width * roi.height)) as T;
  for (let y = 0; y < roi.height; y++) {
    const s = (roi.y + y) * width + roi.x;
    out.set(v.subarray(s, s + roi.width), y * roi.width);
  }
  return out;
}

/** How openRasterPages names and times its frames. */
export interface RasterSourceSpec {
  kind: 'tiff-stack' | 'image-sequence';
  /** Path the user gave (file, folder or pattern). */
  path: string;
  pages: PageRef[];
  /** Time [s] of frame i. */
  timeOf: (i: number) => number;
  timestampSource: TimestampSource;
  nominalFps: number | null;
  roi?: RoiPx;
  maxFrames?: number;
  warnings: string[];
}

/**
 * A FrameSource over still images. Reads the first page for the layout and, for 16-bit
 * sources, up to DEPTH_MAP_SAMPLE_PAGES pages to fix the 8-bit window before the first frame.
 */
export async function openRasterPages(spec: RasterSourceSpec): Promise<IngestFrameSource & { depthMap: DepthMap | null }> {
  const pages = spec.maxFrames !== undefined ? spec.pages.slice(0, spec.maxFrames) : spec.pages;
  if (pages.length === 0) throw new VideoDecodeError(`${spec.path} has no frames`, 'give a non-empty TIFF stack or image folder');
  const multiPage = spec.kind === 'tiff-stack';
  const first = await rasterLayout(pages[0]);
  const layout: RasterLayout = { width: first.width, height: first.height, bits: first.bits, colour: first.colour, format: first.format };
  const roi = spec.roi ? checkRoi(spec.roi, layout.width, layout.height, spec.path) : null;

  let depthMap: DepthMap | null = null;
  let lut: Uint8Array | null = null;
  if (layout.bits === 16) {
    const idx = samplePageIndices(pages.length);
    const samples: Uint16Array[] = [];
    for (const i of idx) samples.push((await readGrayPage(pages[i], layout, roi, multiPage)).values as Uint16Array);
    depthMap = depthMapFromSamples(samples, idx);
    lut = depthLut(depthMap);
  }
  const grayConversion = depthMap
    ? describeDepthMap(depthMap, layout.colour)
    : layout.colour
      ? '8-bit RGB → BT.601 luma round(0.299 R + 0.587 G + 0.114 B), alpha ignored'
      : '8-bit gray copied';

  const timeOf = spec.timeOf;
  const times = pages.map((_, i) => timeOf(i));
  const info: VideoInfo = {
    path: spec.path,
    format: spec.kind,
    codec: layout.format,
    width: roi ? roi.width : layout.width,
    height: roi ? roi.height : layout.height,
    nominalFps: spec.nominalFps,
    frameCount: pages.length,
    durationS: times.length > 1 ? times[times.length - 1] - times[0] + (times[times.length - 1] - times[0]) / (times.length - 1) : null,
    irregularTimestamps: irregular(times),
    bitDepth: layout.bits,
    grayConversion,
  };
  let report: DecodeReport | null = null;

  const toGray8 = (p: GrayPage): Uint8Array => {
    if (!lut) return p.values as Uint8Array;
    const v = p.values as Uint16Array;
    const out = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = lut[v[i]];
    return out;
  };

  async function* pass(r: DecodeReport): AsyncGenerator<Frame> {
    // Read one page ahead so that decoding overlaps with the consumer's work.
    let next: Promise<GrayPage> | null = readGrayPage(pages[0], layout, roi, multiPage);
    let failed = false;
    try {
      for (let i = 0; i < pages.length; i++) {
        const page = await (next as Promise<GrayPage>);
        next = i + 1 < pages.length ? readGrayPage(pages[i + 1], layout, roi, multiPage) : null;
        next?.catch(() => undefined); // surfaced when awaited
        const tS = times[i];
        r.framesDecoded = i + 1;
        r.lastTS = tS;
        yield { index: i, tS, width: page.width, height: page.height, data: toGray8(page) };
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      if (!failed && r.framesDecoded < pages.length) r.stoppedByConsumer = true;
      await next?.catch(() => undefined);
      r.finished = true;
    }
  }

  return {
    info,
    kind: spec.kind,
    grayMap: null,
    timestampSource: spec.timestampSource,
    warnings: spec.warnings,
    depthMap,
    lastReport: () => report,
    frames(): AsyncIterable<Frame> {
      return {
        [Symbol.asyncIterator]: () => {
          report = {
            framesDecoded: 0,
            expectedFrames: pages.length,
            endedEarly: false,
            endReason: null,
            lastTS: null,
            decodeWarnings: [],
            decodeWarningCount: 0,
            stoppedByConsumer: false,
            maxBufferedFrames: 1,
            finished: false,
          };
          return pass(report);
        },
      };
    },
  };
}

/** Same rule as analyzeTimestamps: an interval deviating > 1 % from the median (times in s, µs resolution). */
function irregular(times: readonly number[]): boolean | null {
  if (times.length < 3) return null;
  const d = times.slice(1).map((t, i) => t - times[i]);
  const s = [...d].sort((a, b) => a - b);
  const med = s[Math.floor(s.length / 2)];
  return d.some((x) => Math.abs(x - med) > Math.max(0.01 * med, 1e-6));
}
