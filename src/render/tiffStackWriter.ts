/**
 * Streaming multi-page TIFF writer (baseline TIFF 6.0, little-endian, one strip per page,
 * Adobe-deflate compression with horizontal-differencing predictor), 8- or 16-bit gray.
 * Pages are written as they come (constant memory); each IFD's "next" pointer is patched
 * when the following page is written. The resolution tags carry the calibration
 * (pixels per centimetre), which Fiji/ImageJ shows as the scale.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

export interface TiffStackWriter {
  /** Append one page (row-major gray samples, length width·height). */
  writePage(data: Uint8Array | Uint16Array): void;
  /** Finish the file (the last IFD's next pointer stays 0). */
  close(): void;
}

/**
 * Open a TIFF stack for writing.
 * @param path output file
 * @param umPerPx calibration written as X/Y resolution (0: none)
 * @param pageCount total pages, stored in each PageNumber tag
 */
export function openTiffStack(path: string, widthPx: number, heightPx: number, bitDepth: 8 | 16, umPerPx: number, pageCount: number): TiffStackWriter {
  const fd = openSync(path, 'w');
  let pos = 0;
  const put = (buf: Buffer): number => {
    const at = pos;
    writeSync(fd, buf, 0, buf.length, at);
    pos += buf.length;
    return at;
  };
  const patch32 = (at: number, value: number): void => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value, 0);
    writeSync(fd, b, 0, 4, at);
  };
  const header = Buffer.alloc(8);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(0, 4);
  put(header);
  let nextPtrAt = 4;
  let page = 0;
  const bytesPerSample = bitDepth / 8;
  const resNum = umPerPx > 0 ? Math.round((1e4 / umPerPx) * 1000) : 1;
  const resDen = umPerPx > 0 ? 1000 : 1;

  const writePage = (data: Uint8Array | Uint16Array): void => {
    if (data.length !== widthPx * heightPx) throw new RangeError(`TIFF page has ${data.length} samples, expected ${widthPx * heightPx}`);
    // Horizontal differencing (TIFF predictor 2), then deflate.
    const raw = Buffer.alloc(widthPx * heightPx * bytesPerSample);
    for (let y = 0; y < heightPx; y++) {
      let prev = 0;
      for (let x = 0; x < widthPx; x++) {
        const i = y * widthPx + x;
        const v = data[i];
        if (bitDepth === 8) raw[i] = (v - prev) & 0xff;
        else raw.writeUInt16LE((v - prev) & 0xffff, 2 * i);
        prev = v;
      }
    }
    let strip = deflateSync(raw, { level: 9 });
    if (strip.length % 2) strip = Buffer.concat([strip, Buffer.alloc(1)]);
    const stripAt = put(strip);
    const entries: Array<[number, number, number, number]> = [
      // tag, type (3 SHORT, 4 LONG, 5 RATIONAL), count, value
      [254, 4, 1, 2],
      [256, 4, 1, widthPx],
      [257, 4, 1, heightPx],
      [258, 3, 1, bitDepth],
      [259, 3, 1, 8],
      [262, 3, 1, 1],
      [273, 4, 1, stripAt],
      [277, 3, 1, 1],
      [278, 4, 1, heightPx],
      [279, 4, 1, strip.length],
      [282, 5, 1, 0],
      [283, 5, 1, 0],
      [284, 3, 1, 1],
      [296, 3, 1, umPerPx > 0 ? 3 : 1],
      [297, 3, 2, 0],
      [317, 3, 1, 2],
    ];
    const ifdAt = pos;
    const ifdLen = 2 + 12 * entries.length + 4;
    const ratAt = ifdAt + ifdLen;
    const ifd = Buffer.alloc(ifdLen + 16);
    ifd.writeUInt16LE(entries.length, 0);
    entries.forEach(([tag, type, count, value], k) => {
      const o = 2 + 12 * k;
      ifd.writeUInt16LE(tag, o);
      ifd.writeUInt16LE(type, o + 2);
      ifd.writeUInt32LE(count, o + 4);
      if (tag === 282) ifd.writeUInt32LE(ratAt, o + 8);
      else if (tag === 283) ifd.writeUInt32LE(ratAt + 8, o + 8);
      else if (tag === 297) {
        ifd.writeUInt16LE(page, o + 8);
        ifd.writeUInt16LE(pageCount, o + 10);
      } else if (type === 3) ifd.writeUInt16LE(value, o + 8);
      else ifd.writeUInt32LE(value, o + 8);
    });
    ifd.writeUInt32LE(0, 2 + 12 * entries.length);
    for (const at of [ifdLen, ifdLen + 8]) {
      ifd.writeUInt32LE(resNum, at);
      ifd.writeUInt32LE(resDen, at + 4);
    }
    put(ifd);
    patch32(nextPtrAt, ifdAt);
    nextPtrAt = ifdAt + 2 + 12 * entries.length;
    page += 1;
  };
  return {
    writePage,
    close: () => closeSync(fd),
  };
}
