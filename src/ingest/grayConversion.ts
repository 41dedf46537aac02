/**
 * How each source kind is reduced to 8-bit gray, as one documented rule per case. The text is
 * what VideoInfo.grayConversion reports (and what README / manifest.json show).
 *
 * Video (ffmpeg filters, see videoGrayFilters()):
 * - YUV sources: gray is the luma plane Y' exactly as encoded (so its weights are the
 *   encoder's: BT.601 or BT.709); limited-range streams (Y' 16–235, the H.264/MPEG default) are
 *   expanded to full range, gray = round((Y' − 16)·255/219) clipped to 0–255; full-range
 *   streams (yuvj*, MJPEG, color_range=pc) are copied. A 0–255 gray ramp encoded to H.264
 *   comes back as 0–255 (±1 from rounding and compression). For 8-bit planar YUV this is done
 *   with `extractplanes=y` + a `lut` (a plane copy and a table, ~40 % less CPU than swscale
 *   at 1080p, same values); other layouts go through swscale (`scale=out_range=full,format=gray`).
 *   `lidtrack track` applies the same table itself, to the pixels it reads (deferGrayMap,
 *   videoGrayPlan): it segments rectangles of each frame, not all of it.
 * - RGB sources (PNG/QTRLE/FFV1-RGB in a container): BT.601 luma,
 *   gray = 0.299 R + 0.587 G + 0.114 B (swscale fixed point, full range; pure red → 76,
 *   pure green → 150).
 * - More than 8 bits per sample: the same, after scaling 2^n − 1 → 255 (swscale, linear).
 * TIFF stacks and image sequences (sharp / libvips, done in lidtrack):
 * - RGB(A): gray = round(0.299 R + 0.587 G + 0.114 B), alpha ignored — the video rule.
 * - 16-bit: one linear map lo → 0, hi → 255 (clipped) for the whole stack, lo/hi = 0.1 / 99.9
 *   percentiles of up to 5 pages spread evenly over the stack (see grayMapping.ts).
 */

const RGB_PIX_FMT = /^(rgb|bgr|gbr|argb|abgr|rgba|bgra|0rgb|0bgr|rgb0|bgr0|x2rgb|x2bgr|pal8)/;

/** Bits per sample of an ffmpeg pixel format name (yuv420p10le → 10, gray16le → 16, rgb24 → 8). */
export function bitDepthOfPixFmt(pixFmt: string): number {
  if (/^(rgb|bgr)(24|32|0|a)?$/.test(pixFmt) || /^(argb|abgr|rgba|bgra|0rgb|0bgr|rgb0|bgr0|pal8|gray|monow|monob)$/.test(pixFmt)) return pixFmt.startsWith('mono') ? 1 : 8;
  if (/^(rgb|bgr)48/.test(pixFmt) || /^(rgba|bgra)64/.test(pixFmt)) return 16;
  const m = /p(\d{1,2})(le|be)?$/.exec(pixFmt) ?? /^gray(\d{1,2})(le|be)?$/.exec(pixFmt) ?? /^(?:gbr|gbra)p(\d{1,2})/.exec(pixFmt);
  return m ? Number(m[1]) : 8;
}

/** The rule ffmpeg applies to this stream when lidtrack asks for full-range gray8. */
export function videoGrayConversion(pixFmt: string, colorRange: string | null, bitDepth: number): string {
  const deep = bitDepth > 8 ? `; ${bitDepth}-bit samples scaled linearly to 8-bit (×255/${2 ** bitDepth - 1})` : '';
  if (/^(gray|ya|mono)/.test(pixFmt)) return `gray source (${pixFmt}) copied${deep}`;
  if (RGB_PIX_FMT.test(pixFmt)) return `RGB source (${pixFmt}) → BT.601 luma 0.299 R + 0.587 G + 0.114 B, full range (ffmpeg swscale)${deep}`;
  const full = pixFmt.startsWith('yuvj') || colorRange === 'pc' || colorRange === 'jpeg';
  return full
    ? `luma plane Y' of ${pixFmt} (full range) copied, chroma discarded${deep}`
    : `luma plane Y' of ${pixFmt} (limited range 16–235) expanded to 0–255: gray = round((Y' − 16)·255/219) clipped, chroma discarded${deep}`;
}

/** 8-bit planar YUV layouts whose luma plane can be taken as is. */
const PLANAR_YUV8 = /^yuvj?(420|422|444|440|411|410)p$/;

/**
 * The ffmpeg filters (before any crop) that turn a stream of this pixel format into full-range
 * gray8 by the rule of videoGrayConversion().
 */
export function videoGrayFilters(pixFmt: string, colorRange: string | null): string[] {
  return videoGrayPlan(pixFmt, colorRange, false).filters;
}

/**
 * The same rule with the limited-range table optionally left to the consumer (`deferMap`):
 * then the filters deliver Y' as decoded and `map` is the table (limitedRangeGrayMap), which
 * gives, pixel for pixel, what ffmpeg's `lut` filter would have (test/ingest/grayMap.test.ts).
 */
export function videoGrayPlan(pixFmt: string, colorRange: string | null, deferMap: boolean): VideoGrayPlan {
  if (PLANAR_YUV8.test(pixFmt)) {
    const full = pixFmt.startsWith('yuvj') || colorRange === 'pc' || colorRange === 'jpeg';
    if (full) return { filters: ['extractplanes=y'], map: null, decoderArgs: [...LUMA_ONLY_DECODE] };
    return deferMap
      ? { filters: ['extractplanes=y'], map: limitedRangeGrayMap(), decoderArgs: [...LUMA_ONLY_DECODE] }
      : { filters: ['extractplanes=y', `lut=c0=${LIMITED_RANGE_EXPR}`], map: null, decoderArgs: [...LUMA_ONLY_DECODE] };
  }
  return { filters: ['scale=out_range=full', 'format=gray'], map: null, decoderArgs: [] };
}

export interface VideoGrayPlan {
  /** ffmpeg filters from the decoded frame to gray8. */
  filters: string[];
  /** The limited-range table the consumer applies itself (deferMap), or null. */
  map: Uint8Array | null;
  /** ffmpeg input options for the decoder (before -i). */
  decoderArgs: string[];
}

/**
 * Decode the luma plane only (AV_CODEC_FLAG_GRAY), when the gray is the luma plane as decoded:
 * decoders that support it (H.264, HEVC, MPEG-1/2/4, MJPEG … in an ffmpeg configured with
 * --enable-gray, as the bundled one is) skip the chroma planes' reconstruction and leave them
 * unwritten, which nothing downstream reads (extractplanes=y takes Y alone); luma prediction and
 * deblocking never use chroma, so Y' is bit for bit what a full decode gives
 * (test/ingest/lumaOnlyDecode.test.ts). Other decoders, and ffmpeg builds without it, ignore the
 * flag. On the 250-frame 1080p H.264 bench file the decoder's CPU drops by ≈ 10 %. Not for RGB or
 * other layouts: there swscale computes gray from all planes.
 */
export const LUMA_ONLY_DECODE: readonly string[] = ['-flags:v', 'gray'];

/** ffmpeg expression of the limited → full range expansion of Y' (the lut filter clips to 0–255). */
const LIMITED_RANGE_EXPR = 'floor((val-16)*255/219+0.5)';

/** The limited → full range table: gray = floor((Y' − 16)·255/219 + 0.5) clipped to 0–255, as ffmpeg's lut computes it. */
export function limitedRangeGrayMap(): Uint8Array {
  const m = new Uint8Array(256);
  for (let v = 0; v < 256; v++) m[v] = Math.min(255, Math.max(0, Math.floor(((v - 16) * 255) / 219 + 0.5)));
  return m;
}
