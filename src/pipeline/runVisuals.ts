/**
 * The visual outputs of a `track` run, made in a second pass over the recording once the tracks
 * are known (a kymograph needs its axis, which only the whole track gives):
 *   - keyframes/: panels at four times (first, ⅓, ⅔, last frame with tips), cropped to the
 *     dendrites, with crack contours, tips and ids, a scale bar in µm and the time burned in;
 *   - kymographs/: one space–time image per dendrite along its growth axis, tracked tip drawn;
 *   - overlay.mp4: every frame with the same annotations (optional).
 * Memory: kymographs hold (frames × axis length) bytes; everything else streams.
 */
import { join } from 'node:path';
import type { Frame, PlatingEdge, RoiPx } from '../core/types.js';
import type { IngestFrameSource } from '../ingest/index.js';
import { writeFileAtomic } from '../report/atomic.js';
import { KymographBuilder } from '../report/KymographBuilder.js';
import { OverlayVideoWriter } from '../report/OverlayVideoWriter.js';
import { renderKeyFramePanel, type KeyFrameAnnotations } from '../report/renderKeyFramePanel.js';
import type { TrackRow } from '../report/tables.js';
import { canonicalToImage, toCanonical, type CanonicalGeometry, type Cv, type Reference, Segmenter } from '../segment/index.js';
import type { DendriteAxis } from '../track/index.js';
import type { InclusionRow } from '../track/inclusions/index.js';

export interface VisualTrack {
  id: number;
  rows: TrackRow[];
  axis: DendriteAxis;
}

export interface VisualsOptions {
  outDir: string;
  umPerPx: number;
  edge: PlatingEdge;
  overlayVideo: boolean;
  /** Offset of the analysed ROI in the original frame [px]. */
  roiX: number;
  roiY: number;
}

/** Contours (image coordinates) of the dendrite regions of one canonical frame. */
/**
 * Width limit of the overlay video [px]: a 1080p recording gives a 1280×720 video (drawing and
 * encoding every frame at full size took longer than the tracking itself).
 */
export const OVERLAY_MAX_WIDTH_PX = 1280;

/**
 * Outlines of the dendrite regions of a frame. `everyFrame`: called on consecutive frames, so the
 * tracker's fast path applies (the same dendrite regions as a whole frame, ~5× less work at
 * 1080p); otherwise (key frames only, far apart) each frame is segmented whole.
 */
function dendriteContours(cv: Cv, seg: Segmenter, canon: Uint8Array, geom: CanonicalGeometry, roiX: number, roiY: number, everyFrame: boolean): Array<Array<[number, number]>> {
  const res = everyFrame ? seg.segmentNext(canon) : seg.segment(canon);
  const mask = new cv.Mat(geom.ch, geom.cw, cv.CV_8UC1, new cv.Scalar(0));
  const md = mask.data as Uint8Array, cw = geom.cw;
  for (const r of res.regions) {
    if (!r.touchesInterface) continue;
    for (let v = r.vMin; v <= r.vMax; v++) for (let u = r.uMin, i = v * cw + u; u <= r.uMax; u++, i++) if (res.labels[i] === r.label) md[i] = 255;
  }
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  cv.findContours(mask, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
  const out: Array<Array<[number, number]>> = [];
  for (let k = 0; k < contours.size(); k++) {
    const c = contours.get(k);
    const d = c.data32S as Int32Array;
    const poly: Array<[number, number]> = [];
    for (let i = 0; i + 1 < d.length; i += 2) {
      const p = canonicalToImage(d[i], d[i + 1], geom);
      poly.push([p.x + roiX, p.y + roiY]);
    }
    if (poly.length >= 3) out.push(poly);
    c.delete();
  }
  mask.delete();
  contours.delete();
  hierarchy.delete();
  return out;
}

function boundingRoi(tracks: VisualTrack[], width: number, height: number, marginPx: number): RoiPx {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const t of tracks) for (const r of t.rows) { x0 = Math.min(x0, r.tipXPx); y0 = Math.min(y0, r.tipYPx); x1 = Math.max(x1, r.tipXPx); y1 = Math.max(y1, r.tipYPx); }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, width, height };
  const x = Math.max(0, Math.floor(x0 - marginPx)), y = Math.max(0, Math.floor(y0 - marginPx));
  return { x, y, width: Math.min(width, Math.ceil(x1 + marginPx)) - x, height: Math.min(height, Math.ceil(y1 + marginPx)) - y };
}

/** Extend a crop so it includes the plating edge (the dendrites' base). */
function includeEdge(roi: RoiPx, edge: PlatingEdge, width: number, height: number): RoiPx {
  switch (edge) {
    case 'top': return { ...roi, height: roi.y + roi.height, y: 0 };
    case 'bottom': return { ...roi, height: height - roi.y };
    case 'left': return { ...roi, width: roi.x + roi.width, x: 0 };
    case 'right': return { ...roi, width: width - roi.x };
  }
}

/**
 * Kymograph axis of an inclusion: the line through its back and front ends over the whole run
 * (image coordinates), extended by 15 % of the travelled span at both ends.
 */
function inclusionAxis(rows: InclusionRow[]): { p0: [number, number]; p1: [number, number]; pos: (x: number, y: number) => number } | null {
  const pts: Array<[number, number]> = [];
  for (const r of rows) { pts.push([r.backXPx, r.backYPx], [r.frontXPx, r.frontYPx]); }
  if (pts.length < 2) return null;
  // principal direction of all end positions
  let mx = 0, my = 0;
  for (const [x, y] of pts) { mx += x; my += y; }
  mx /= pts.length; my /= pts.length;
  let sxx = 0, syy = 0, sxy = 0;
  for (const [x, y] of pts) { sxx += (x - mx) ** 2; syy += (y - my) ** 2; sxy += (x - mx) * (y - my); }
  const th = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  let dx = Math.cos(th), dy = Math.sin(th);
  // orient from back toward front
  const r0 = rows[0];
  if ((r0.frontXPx - r0.backXPx) * dx + (r0.frontYPx - r0.backYPx) * dy < 0) { dx = -dx; dy = -dy; }
  let lo = Infinity, hi = -Infinity;
  for (const [x, y] of pts) { const t = (x - mx) * dx + (y - my) * dy; lo = Math.min(lo, t); hi = Math.max(hi, t); }
  const pad = Math.max(10, 0.15 * (hi - lo));
  lo -= pad; hi += pad;
  if (!(hi - lo > 2)) return null;
  return {
    p0: [mx + lo * dx, my + lo * dy],
    p1: [mx + hi * dx, my + hi * dy],
    pos: (x, y) => (x - mx) * dx + (y - my) * dy - lo,
  };
}

export async function runVisuals(
  cv: Cv, source: IngestFrameSource, ref: Reference, geom: CanonicalGeometry, tracks: VisualTrack[], opts: VisualsOptions,
  inclusionRows: InclusionRow[] = [],
  branches: Array<{ id: number; dendriteId: number; rows: Array<{ frame: number; tipXPx: number; tipYPx: number }> }> = [],
): Promise<string[]> {
  const files: string[] = [];
  const { width, height } = source.info;
  const fullW = width + opts.roiX, fullH = height + opts.roiY;
  const rowsByFrame = new Map<number, Array<{ id: number; x: number; y: number }>>();
  for (const t of tracks) for (const r of t.rows) {
    if (!rowsByFrame.has(r.frame)) rowsByFrame.set(r.frame, []);
    rowsByFrame.get(r.frame)!.push({ id: t.id, x: r.tipXPx, y: r.tipYPx });
  }
  const branchesByFrame = new Map<number, Array<{ dendriteId: number; branchId: number; x: number; y: number }>>();
  for (const b of branches) for (const r of b.rows) {
    if (!branchesByFrame.has(r.frame)) branchesByFrame.set(r.frame, []);
    branchesByFrame.get(r.frame)!.push({ dendriteId: b.dendriteId, branchId: b.id, x: r.tipXPx, y: r.tipYPx });
  }
  const tipFrames = [...rowsByFrame.keys()].sort((a, b) => a - b);
  const keyFrames = new Set<number>();
  if (tipFrames.length) for (const q of [0, 1 / 3, 2 / 3, 1]) keyFrames.add(tipFrames[Math.round(q * (tipFrames.length - 1))]);
  const crop = includeEdge(boundingRoi(tracks, fullW, fullH, 25), opts.edge, fullW, fullH);

  // kymograph axes: from 10 px behind the base to 15 % beyond the farthest tip, in image coordinates
  const kymos = tracks.map((t) => {
    const maxLen = Math.max(...t.rows.map((r) => r.lengthPx));
    const a = t.axis;
    const p0 = canonicalToImage(a.baseU - 10 * a.du, a.baseV - 10 * a.dv, geom);
    const p1 = canonicalToImage(a.baseU + 1.15 * maxLen * a.du + 5 * a.du, a.baseV + 1.15 * maxLen * a.dv + 5 * a.dv, geom);
    return {
      id: t.id,
      builder: new KymographBuilder([[p0.x, p0.y], [p1.x, p1.y]], 3),
      overlay: t.rows.map((r) => ({ tS: r.tS, posPx: r.lengthPx + 10 })),
    };
  });

  // one kymograph per moving inclusion, along its own axis, with the front and back drawn
  const byIncl = new Map<number, InclusionRow[]>();
  for (const r of inclusionRows) {
    if (r.static) continue;
    if (!byIncl.has(r.inclusionId)) byIncl.set(r.inclusionId, []);
    byIncl.get(r.inclusionId)!.push(r);
  }
  const inclKymos = [...byIncl.entries()].flatMap(([id, rs]) => {
    const ax = inclusionAxis(rs);
    if (!ax) return [];
    return [{
      id,
      builder: new KymographBuilder([ax.p0, ax.p1], 3),
      overlays: [
        { label: 'front', color: '#D55E00', points: rs.map((r) => ({ tS: r.tS, posPx: ax.pos(r.frontXPx, r.frontYPx) })) },
        { label: 'back', color: '#0072B2', points: rs.map((r) => ({ tS: r.tS, posPx: ax.pos(r.backXPx, r.backYPx) })) },
      ],
    }];
  });

  const seg = new Segmenter(cv, ref);
  // the overlay video is for watching the run: at most OVERLAY_MAX_WIDTH_PX wide (the key frames keep full resolution)
  const overlayScale = Math.min(1, OVERLAY_MAX_WIDTH_PX / width);
  const overlay = opts.overlayVideo && (tipFrames.length || inclKymos.length) ? new OverlayVideoWriter(join(opts.outDir, 'overlay.mp4'), { fps: source.info.nominalFps ?? 10 }) : null;
  const canon = new Uint8Array(geom.cw * geom.ch);
  try {
    for await (const frame of source.frames() as AsyncIterable<Frame>) {
      for (const k of kymos) k.builder.add({ width: frame.width, height: frame.height, data: frame.data, tS: frame.tS });
      for (const k of inclKymos) k.builder.add({ width: frame.width, height: frame.height, data: frame.data, tS: frame.tS });
      const isKey = keyFrames.has(frame.index);
      if (!isKey && !overlay) continue;
      toCanonical(frame.data, geom, canon);
      const ann: KeyFrameAnnotations = {
        contours: dendriteContours(cv, seg, canon, geom, 0, 0, overlay !== null),
        tips: rowsByFrame.get(frame.index) ?? [],
        branchTips: branchesByFrame.get(frame.index) ?? [],
      };
      const gray = { width: frame.width, height: frame.height, data: frame.data };
      if (isKey) {
        const png = await renderKeyFramePanel(gray, { ...ann, roi: crop }, { umPerPx: opts.umPerPx, tS: frame.tS, scale: crop.width < 400 ? 2 : 1 });
        const p = join(opts.outDir, 'keyframes', `frame_${String(frame.index).padStart(6, '0')}.png`);
        writeFileAtomic(p, png);
        files.push(p);
      }
      if (overlay) await overlay.add(gray, ann, { umPerPx: opts.umPerPx, tS: frame.tS, scale: overlayScale });
    }
    if (overlay) files.push(await overlay.close());
  } catch (e) {
    if (overlay) await overlay.abort();
    throw e;
  } finally {
    seg.dispose();
  }
  for (const k of inclKymos) {
    if (!k.builder.kymogram().rows) continue;
    const png = await k.builder.toPng({ umPerPx: opts.umPerPx, overlays: k.overlays, title: `inclusion ${k.id}, along its axis` });
    const p = join(opts.outDir, 'kymographs', `inclusion_${k.id}.png`);
    writeFileAtomic(p, png);
    files.push(p);
  }
  for (const k of kymos) {
    if (!k.builder.kymogram().rows) continue;
    const png = await k.builder.toPng({ umPerPx: opts.umPerPx, overlay: k.overlay, title: `dendrite ${k.id}: kymograph along its growth axis` });
    const p = join(opts.outDir, 'kymographs', `dendrite_${k.id}.png`);
    writeFileAtomic(p, png);
    files.push(p);
  }
  return files;
}
