/**
 * Key-frame panels like the reference paper's Figs. 2–4: one gray frame cropped to the ROI,
 * crack contours and tips drawn, track ids, a scale bar in µm with its label and the time
 * burned in. Pure (no files): the tracker calls it while streaming and writes the PNG.
 */
import type { Sharp } from 'sharp';
import { loadSharp } from '../core/lazySharp.js';
import { InputError } from '../core/errors.js';
import type { RoiPx } from '../core/types.js';
import { FIGURE_FONT, trackColor } from './figureStyle.js';
import { niceScaleBarUm, scaleBarLabel, timeLabel } from './scaleBar.js';

/** A gray frame: `width*height` bytes, row-major, 8-bit. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What to draw on a key frame, in frame pixel coordinates ((0,0) = centre of the top-left pixel). */
export interface KeyFrameAnnotations {
  /** Closed crack contours, each a list of [x, y] vertices [px]. */
  contours?: Array<Array<[number, number]>>;
  /** Tracked tips with their track ids [px]. */
  tips?: Array<{ id: number; x: number; y: number }>;
  /** Side-branch ends (branches.csv) with their dendrite's and their own id [px]. */
  branchTips?: Array<{ dendriteId: number; branchId: number; x: number; y: number }>;
  /** Crop rectangle [px]; default the whole frame. */
  roi?: RoiPx;
}

/** Options of {@link renderKeyFramePanel}. */
export interface KeyFramePanelOptions {
  /** Calibration [µm/px], > 0. */
  umPerPx: number;
  /** Frame time [s] (burned in). */
  tS: number;
  /** Scale-bar length [µm]; default a 1-2-5 value near 20 % of the panel width. */
  scaleBarUm?: number;
  /** Output pixels per frame pixel (nearest neighbour; default 1). */
  scale?: number;
  /** Optional panel letter or text, drawn top right (e.g. "b"). */
  label?: string;
}

/** Where the panel's furniture goes, in output pixels (exported so tests can check pixels). */
export interface KeyFramePanelLayout {
  widthPx: number;
  heightPx: number;
  fontPx: number;
  /** Scale bar rectangle (white) [output px]. */
  scaleBar: { x: number; y: number; width: number; height: number; lengthUm: number; label: string };
  /** Dark translucent box behind the scale bar and its label [output px]. */
  scaleBox: { x: number; y: number; width: number; height: number };
}

function checkedRoi(frame: GrayImage, roi: RoiPx | undefined): RoiPx {
  const r = roi ?? { x: 0, y: 0, width: frame.width, height: frame.height };
  const ok =
    [r.x, r.y, r.width, r.height].every(Number.isInteger) && r.x >= 0 && r.y >= 0 && r.width > 0 && r.height > 0 && r.x + r.width <= frame.width && r.y + r.height <= frame.height;
  if (!ok) {
    throw new InputError(
      `ROI ${r.x},${r.y},${r.width},${r.height} does not fit the ${frame.width}x${frame.height} frame`,
      'give --roi x,y,w,h in whole pixels inside the frame',
    );
  }
  return r;
}

/**
 * Layout of a panel of `cropW × cropH` frame pixels.
 * @param cropW crop width [frame px]
 * @param cropH crop height [frame px]
 * @param opts calibration, scale-bar length and output scale
 */
export function keyFramePanelLayout(cropW: number, cropH: number, opts: KeyFramePanelOptions): KeyFramePanelLayout {
  if (!(opts.umPerPx > 0)) throw new InputError(`umPerPx must be > 0, got ${opts.umPerPx}`, 'pass the calibration in µm per pixel');
  const scale = opts.scale ?? 1;
  const widthPx = Math.round(cropW * scale);
  const heightPx = Math.round(cropH * scale);
  const fontPx = Math.max(10, Math.round(0.05 * Math.min(widthPx, heightPx * 1.5)));
  const margin = Math.max(3, Math.round(fontPx * 0.6));
  const lengthUm = opts.scaleBarUm ?? niceScaleBarUm(0.2 * cropW * opts.umPerPx);
  const barW = Math.max(1, Math.round((lengthUm / opts.umPerPx) * scale));
  const barH = Math.max(2, Math.round(fontPx * 0.35));
  const pad = Math.max(2, Math.round(fontPx * 0.35));
  const boxW = Math.max(barW, Math.round(fontPx * 0.62 * scaleBarLabel(lengthUm).length)) + 2 * pad;
  const boxH = barH + fontPx + 3 * pad;
  const boxX = widthPx - margin - boxW;
  const boxY = heightPx - margin - boxH;
  const barX = boxX + Math.round((boxW - barW) / 2);
  const barY = boxY + boxH - pad - barH;
  return {
    widthPx,
    heightPx,
    fontPx,
    scaleBar: { x: barX, y: barY, width: barW, height: barH, lengthUm, label: scaleBarLabel(lengthUm) },
    scaleBox: { x: boxX, y: boxY, width: boxW, height: boxH },
  };
}

const escXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f = (x: number): string => String(Math.round(x * 100) / 100);

/** SVG overlay (same size as the panel) with contours, tips, ids, time and scale bar. */
export function keyFrameOverlaySvg(roi: RoiPx, annotations: KeyFrameAnnotations, opts: KeyFramePanelOptions, layout: KeyFramePanelLayout): string {
  const scale = opts.scale ?? 1;
  // Frame coordinate x (pixel centre) → panel coordinate of that pixel's centre.
  const px = (x: number): number => (x - roi.x + 0.5) * scale;
  const py = (y: number): number => (y - roi.y + 0.5) * scale;
  const { fontPx, scaleBar: b, scaleBox: box } = layout;
  const stroke = Math.max(1, fontPx / 9);
  const parts: string[] = [];
  for (const c of annotations.contours ?? []) {
    if (c.length < 2) continue;
    const pts = c.map(([x, y]) => `${f(px(x))},${f(py(y))}`).join(' ');
    parts.push(`<polygon points="${pts}" fill="none" stroke="#E69F00" stroke-width="${f(stroke)}" stroke-linejoin="round"/>`);
  }
  const halo = `stroke="#000000" stroke-width="${f(fontPx / 7)}" paint-order="stroke" stroke-linejoin="round"`;
  for (const t of [...(annotations.tips ?? [])].sort((a, b2) => a.id - b2.id)) {
    // Same colour as the track in the plots; black would vanish on a dark frame.
    const col = trackColor(t.id) === '#000000' ? '#ffffff' : trackColor(t.id);
    const r = Math.max(3, fontPx * 0.35);
    // Ring in the track's plot colour on a white ring (visible on dark and bright Li); id in white on black halo.
    parts.push(`<circle cx="${f(px(t.x))}" cy="${f(py(t.y))}" r="${f(r)}" fill="none" stroke="#ffffff" stroke-width="${f(stroke * 2.6)}"/>`);
    parts.push(`<circle cx="${f(px(t.x))}" cy="${f(py(t.y))}" r="${f(r)}" fill="none" stroke="${col}" stroke-width="${f(stroke * 1.4)}"/>`);
    // Id above right of the tip, flipped to the other side near the right or top border.
    const labelW = 0.65 * fontPx * String(t.id).length;
    const right = px(t.x) + r + 2 + labelW <= layout.widthPx;
    const above = py(t.y) - r - 1 - fontPx >= 0;
    const lx = right ? px(t.x) + r + 2 : px(t.x) - r - 2;
    const ly = above ? py(t.y) - r - 1 : py(t.y) + r + fontPx;
    parts.push(
      `<text x="${f(lx)}" y="${f(ly)}" text-anchor="${right ? 'start' : 'end'}" font-family="${FIGURE_FONT}" font-size="${fontPx}" font-weight="bold" fill="#ffffff" ${halo}>${t.id}</text>`,
    );
  }
  for (const t of [...(annotations.branchTips ?? [])].sort((a, b2) => a.branchId - b2.branchId)) {
    // a small diamond in the dendrite's colour on white, labelled b<branch id>
    const col = trackColor(t.dendriteId) === '#000000' ? '#ffffff' : trackColor(t.dendriteId);
    const r = Math.max(2.5, fontPx * 0.28);
    const d = `M${f(px(t.x))},${f(py(t.y) - r)} L${f(px(t.x) + r)},${f(py(t.y))} L${f(px(t.x))},${f(py(t.y) + r)} L${f(px(t.x) - r)},${f(py(t.y))} Z`;
    parts.push(`<path d="${d}" fill="none" stroke="#ffffff" stroke-width="${f(stroke * 2.4)}"/>`);
    parts.push(`<path d="${d}" fill="none" stroke="${col}" stroke-width="${f(stroke * 1.2)}"/>`);
    const small = Math.round(fontPx * 0.75);
    const label = `b${t.branchId}`;
    const right = px(t.x) + r + 2 + 0.65 * small * label.length <= layout.widthPx;
    parts.push(
      `<text x="${f(right ? px(t.x) + r + 2 : px(t.x) - r - 2)}" y="${f(py(t.y) + small * 0.35)}" text-anchor="${right ? 'start' : 'end'}" font-family="${FIGURE_FONT}" font-size="${small}" fill="#ffffff" ${halo}>${label}</text>`,
    );
  }
  parts.push(
    `<text x="${f(fontPx * 0.5)}" y="${f(fontPx * 1.2)}" font-family="${FIGURE_FONT}" font-size="${fontPx}" fill="#ffffff" ${halo}>${escXml(timeLabel(opts.tS))}</text>`,
  );
  if (opts.label) {
    parts.push(
      `<text x="${f(layout.widthPx - fontPx * 0.5)}" y="${f(fontPx * 1.2)}" text-anchor="end" font-family="${FIGURE_FONT}" font-size="${fontPx}" font-weight="bold" fill="#ffffff" ${halo}>${escXml(opts.label)}</text>`,
    );
  }
  parts.push(`<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="#000000" fill-opacity="0.55"/>`);
  parts.push(`<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" fill="#ffffff" shape-rendering="crispEdges"/>`);
  parts.push(
    `<text x="${f(b.x + b.width / 2)}" y="${f(b.y - fontPx * 0.35)}" text-anchor="middle" font-family="${FIGURE_FONT}" font-size="${fontPx}" fill="#ffffff">${escXml(b.label)}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.widthPx}" height="${layout.heightPx}" viewBox="0 0 ${layout.widthPx} ${layout.heightPx}">${parts.join('')}</svg>`;
}

/** Shared pipeline: crop, scale, overlay; returns the sharp instance before encoding. */
async function annotated(frame: GrayImage, annotations: KeyFrameAnnotations, opts: KeyFramePanelOptions): Promise<Sharp> {
  if (frame.data.length !== frame.width * frame.height) {
    throw new InputError(`frame data has ${frame.data.length} bytes, expected ${frame.width}x${frame.height}`, 'pass 8-bit gray, one byte per pixel');
  }
  const roi = checkedRoi(frame, annotations.roi);
  const layout = keyFramePanelLayout(roi.width, roi.height, opts);
  const sharp = await loadSharp();
  const base = await sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), {
    raw: { width: frame.width, height: frame.height, channels: 1 },
  })
    .extract({ left: roi.x, top: roi.y, width: roi.width, height: roi.height })
    // enlarged: pixels stay visible squares; reduced (the overlay video of a large frame): smoothed
    .resize({ width: layout.widthPx, height: layout.heightPx, kernel: (opts.scale ?? 1) >= 1 ? 'nearest' : 'lanczos3', fit: 'fill' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const svg = keyFrameOverlaySvg(roi, annotations, opts, layout);
  return sharp(base.data, { raw: base.info })
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .removeAlpha();
}

/**
 * Render a key-frame panel to PNG (RGB): crop to the ROI, scale (nearest neighbour), and draw
 * contours, tips with ids, the time and a scale bar.
 * @param frame gray frame (8-bit, row-major)
 * @param annotations contours, tips and ROI in frame pixels
 * @param opts calibration [µm/px], time [s], optional scale-bar length [µm] and output scale
 * @returns PNG bytes, `round(roi.width·scale) × round(roi.height·scale)` pixels
 */
export async function renderKeyFramePanel(frame: GrayImage, annotations: KeyFrameAnnotations, opts: KeyFramePanelOptions): Promise<Buffer> {
  return (await annotated(frame, annotations, opts)).png().toBuffer();
}

/** Width and height [px] of the annotated frame {@link renderAnnotatedFrameRgb} draws (without drawing it). */
export function annotatedFrameSize(frame: GrayImage, annotations: KeyFrameAnnotations, opts: KeyFramePanelOptions): { width: number; height: number } {
  const roi = checkedRoi(frame, annotations.roi);
  const layout = keyFramePanelLayout(roi.width, roi.height, opts);
  return { width: layout.widthPx, height: layout.heightPx };
}

/**
 * The same annotated frame as raw RGB24 bytes (row-major, 3 bytes per pixel), to pipe into
 * ffmpeg (`-f rawvideo -pix_fmt rgb24 -s WxH -i -`) for the H.264 overlay video of a run.
 * Use an even output size for yuv420p (e.g. an even ROI and scale 1).
 */
export async function renderAnnotatedFrameRgb(
  frame: GrayImage,
  annotations: KeyFrameAnnotations,
  opts: KeyFramePanelOptions,
): Promise<{ width: number; height: number; data: Buffer }> {
  const { data, info } = await (await annotated(frame, annotations, opts)).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}
