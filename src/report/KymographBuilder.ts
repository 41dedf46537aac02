/**
 * Streaming kymograph (space–time image) along a growth axis: each added frame contributes one
 * row of gray values sampled along a polyline, averaged across a band of `sampleWidthPx`.
 * Memory is one byte per (frame × axis sample). `toPng` draws axes in µm and s and the tracked
 * tip/end positions on top.
 */
import { loadSharp } from '../core/lazySharp.js';
import { InputError } from '../core/errors.js';
import { FIGURE_FONT } from './figureStyle.js';
import { niceTicks } from './niceTicks.js';
import type { GrayImage } from './renderKeyFramePanel.js';

/** Overlay colours (Okabe–Ito orange, sky blue, bluish green, reddish purple): visible on gray. */
const OVERLAY_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#CC79A7'];

/**
 * For `rows` image rows evenly spaced in time from tS[0] to tS[n−1], the index of the frame
 * nearest in time to each row (tS increasing). Evenly spaced rows keep slopes true velocities
 * when frames are unevenly spaced (dropped frames, VFR).
 */
export function uniformTimeRows(tS: readonly number[], rows: number): number[] {
  const n = tS.length;
  const t0 = tS[0];
  const t1 = tS[n - 1];
  const out: number[] = [];
  let k = 0;
  for (let r = 0; r < rows; r++) {
    const t = rows === 1 ? t0 : t0 + ((t1 - t0) * r) / (rows - 1);
    while (k < n - 1 && Math.abs(tS[k + 1] - t) <= Math.abs(tS[k] - t)) k++;
    out.push(k);
  }
  return out;
}

/** Options of {@link KymographBuilder.toPng}. */
export interface KymographPngOptions {
  /** Calibration [µm/px]. */
  umPerPx: number;
  /** Time of each added row [s]; default the `tS` of the added frames. */
  tS?: number[];
  /** Tracked positions to draw: time [s] and distance along the axis from its first vertex [px]. */
  overlay?: Array<{ tS: number; posPx: number }>;
  /**
   * Several tracked series (e.g. an inclusion's front and back), each with its own colour and an
   * optional label drawn in a key above the image. Drawn after `overlay`.
   */
  overlays?: Array<{ label?: string; color?: string; points: Array<{ tS: number; posPx: number }> }>;
  /** Maximum image rows; longer runs are resampled onto a uniform time grid (default 1000). */
  maxRows?: number;
  /** Title drawn above the image. */
  title?: string;
}

/** Gray kymogram: `rows × samples`, row i at time `tS[i]`, column j at `j·stepPx` along the axis. */
export interface Kymogram {
  samples: number;
  rows: number;
  data: Uint8Array;
  tS: number[];
}

/**
 * Builds a kymograph while frames stream past.
 *
 * The axis is a polyline in frame pixel coordinates ((0,0) = centre of the top-left pixel);
 * samples are 1 px apart along it, each the mean of `sampleWidthPx` bilinear samples 1 px apart
 * across it (clamped at the frame border).
 */
export class KymographBuilder {
  /** Number of samples along the axis. */
  readonly samples: number;
  /** Axis length [px]. */
  readonly lengthPx: number;
  private readonly perSample: number;
  private readonly rowsData: Uint8Array[] = [];
  private readonly times: number[] = [];
  private frameW = -1;
  private frameH = -1;
  private readonly geom: Float64Array;

  /**
   * @param axisPx polyline vertices [px], at least two distinct points
   * @param sampleWidthPx band width across the axis [px] (odd integers centre on the axis), ≥ 1
   */
  constructor(
    readonly axisPx: ReadonlyArray<readonly [number, number]>,
    readonly sampleWidthPx = 1,
  ) {
    if (axisPx.length < 2) throw new InputError('a kymograph axis needs at least two points', 'pass [[x0,y0],[x1,y1],...] in pixels');
    if (!(sampleWidthPx >= 1) || !Number.isInteger(sampleWidthPx)) {
      throw new InputError(`kymograph sample width must be a whole number of pixels ≥ 1, got ${sampleWidthPx}`, 'use e.g. 1, 3 or 5');
    }
    const seg: number[] = [];
    for (let i = 1; i < axisPx.length; i++) seg.push(Math.hypot(axisPx[i][0] - axisPx[i - 1][0], axisPx[i][1] - axisPx[i - 1][1]));
    this.lengthPx = seg.reduce((a, b) => a + b, 0);
    if (!(this.lengthPx > 0)) throw new InputError('the kymograph axis has zero length', 'give two distinct end points');
    this.samples = Math.floor(this.lengthPx) + 1;
    this.perSample = sampleWidthPx;
    // Sample positions are fixed; pixel indices and weights are resolved once per frame size.
    this.geom = new Float64Array(this.samples * sampleWidthPx * 2);
    let k = 0;
    for (let j = 0; j < this.samples; j++) {
      let s = Math.min(j, this.lengthPx);
      let i = 0;
      while (i < seg.length - 1 && s > seg[i]) {
        s -= seg[i];
        i++;
      }
      const [x0, y0] = axisPx[i];
      const [x1, y1] = axisPx[i + 1];
      const L = seg[i] || 1;
      const tx = (x1 - x0) / L;
      const ty = (y1 - y0) / L;
      const cx = x0 + tx * s;
      const cy = y0 + ty * s;
      for (let o = 0; o < sampleWidthPx; o++) {
        const off = o - (sampleWidthPx - 1) / 2;
        this.geom[k++] = cx - ty * off;
        this.geom[k++] = cy + tx * off;
      }
    }
  }

  private cacheIdx: Int32Array | null = null;
  private cacheW: Float32Array | null = null;

  /** Precompute the 4 neighbours and bilinear weights of every sample for a frame size. */
  private prepare(width: number, height: number): void {
    if (width === this.frameW && height === this.frameH && this.cacheIdx) return;
    const n = this.samples * this.perSample;
    const idx = new Int32Array(n * 4);
    const w = new Float32Array(n * 4);
    for (let k = 0; k < n; k++) {
      const x = Math.min(Math.max(this.geom[2 * k], 0), width - 1);
      const y = Math.min(Math.max(this.geom[2 * k + 1], 0), height - 1);
      const x0 = Math.min(Math.floor(x), width - 2 < 0 ? 0 : width - 2);
      const y0 = Math.min(Math.floor(y), height - 2 < 0 ? 0 : height - 2);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = x - x0;
      const fy = y - y0;
      idx.set([y0 * width + x0, y0 * width + x1, y1 * width + x0, y1 * width + x1], 4 * k);
      w.set([(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy], 4 * k);
    }
    this.cacheIdx = idx;
    this.cacheW = w;
    this.frameW = width;
    this.frameH = height;
  }

  /** Sample one frame (any size, consistent across calls) and append its row. */
  add(frame: GrayImage & { tS?: number }): void {
    if (frame.data.length !== frame.width * frame.height) {
      throw new InputError(`frame data has ${frame.data.length} bytes, expected ${frame.width}x${frame.height}`, 'pass 8-bit gray, one byte per pixel');
    }
    if (this.rowsData.length > 0 && (frame.width !== this.frameW || frame.height !== this.frameH)) {
      throw new InputError(`frame size changed to ${frame.width}x${frame.height} from ${this.frameW}x${this.frameH}`, 'a kymograph needs frames of one size');
    }
    this.prepare(frame.width, frame.height);
    const idx = this.cacheIdx as Int32Array;
    const w = this.cacheW as Float32Array;
    const d = frame.data;
    const row = new Uint8Array(this.samples);
    for (let j = 0; j < this.samples; j++) {
      let acc = 0;
      for (let o = 0; o < this.perSample; o++) {
        const b = 4 * (j * this.perSample + o);
        acc += d[idx[b]] * w[b] + d[idx[b + 1]] * w[b + 1] + d[idx[b + 2]] * w[b + 2] + d[idx[b + 3]] * w[b + 3];
      }
      row[j] = Math.round(acc / this.perSample);
    }
    this.rowsData.push(row);
    this.times.push(frame.tS ?? Number.NaN);
  }

  /** Rows added so far. */
  get rowCount(): number {
    return this.rowsData.length;
  }

  /** The raw kymogram (rows in the order added). */
  kymogram(): Kymogram {
    const data = new Uint8Array(this.rowsData.length * this.samples);
    this.rowsData.forEach((r, i) => data.set(r, i * this.samples));
    return { samples: this.samples, rows: this.rowsData.length, data, tS: [...this.times] };
  }

  /**
   * Render the kymograph with axes: distance along the axis [µm] to the right, time [s] down.
   * Rows are placed on a uniform time grid (nearest frame), so slopes are true velocities even
   * when frames are unevenly spaced.
   */
  async toPng(opts: KymographPngOptions): Promise<Buffer> {
    if (!(opts.umPerPx > 0)) throw new InputError(`umPerPx must be > 0, got ${opts.umPerPx}`, 'pass the calibration in µm per pixel');
    const n = this.rowsData.length;
    if (n === 0) throw new InputError('the kymograph has no frames', 'add frames before rendering');
    const tS = opts.tS ?? this.times;
    if (tS.length !== n || !tS.every(Number.isFinite)) {
      throw new InputError(`kymograph needs one finite time per row (${n} rows, ${tS.length} times)`, 'pass tS or add frames that carry tS');
    }
    for (let i = 1; i < n; i++) {
      if (!(tS[i] > tS[i - 1])) throw new InputError(`kymograph times must increase (row ${i}: ${tS[i]} s after ${tS[i - 1]} s)`, 'add frames in presentation order');
    }
    const t0 = tS[0];
    const t1 = tS[n - 1];
    const rows = Math.max(1, Math.min(n, opts.maxRows ?? 1000));
    const img = new Uint8Array(rows * this.samples);
    uniformTimeRows(tS, rows).forEach((k, r) => img.set(this.rowsData[k], r * this.samples));
    // Display scale: at least ~480 px wide and ~360 px tall, integer nearest-neighbour zoom.
    const sx = Math.max(1, Math.round(480 / this.samples));
    const sy = Math.max(1, Math.round(360 / rows));
    const W = this.samples * sx;
    const H = rows * sy;
    const font = 13;
    const left = 64;
    const top = opts.title || (opts.overlays ?? []).some((o) => o.label) ? 28 : 12;
    const right = 16;
    const bottom = 46;
    const totalW = left + W + right;
    const totalH = top + H + bottom;
    const lengthUm = (this.samples - 1) * opts.umPerPx;
    const xOf = (um: number): number => left + (um / opts.umPerPx + 0.5) * sx;
    const yOf = (t: number): number => top + (rows === 1 ? 0.5 * sy : ((t - t0) / (t1 - t0)) * (rows - 1) * sy + 0.5 * sy);
    const parts: string[] = [];
    const txt = (x: number, y: number, s: string, anchor = 'middle', extra = ''): string =>
      `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${FIGURE_FONT}" font-size="${font}" text-anchor="${anchor}" fill="#000000"${extra}>${s}</text>`;
    parts.push(`<rect x="${left - 0.5}" y="${top - 0.5}" width="${W + 1}" height="${H + 1}" fill="none" stroke="#000000" stroke-width="1"/>`);
    for (const um of niceTicks(0, lengthUm, 6)) {
      const x = xOf(um);
      parts.push(`<line x1="${x.toFixed(1)}" y1="${top + H}" x2="${x.toFixed(1)}" y2="${top + H + 5}" stroke="#000000"/>`);
      parts.push(txt(x, top + H + 18, String(um)));
    }
    parts.push(txt(left + W / 2, top + H + 38, 'Distance along axis (µm)'));
    for (const t of niceTicks(t0, t1, 6)) {
      const y = yOf(t);
      parts.push(`<line x1="${left - 5}" y1="${y.toFixed(1)}" x2="${left}" y2="${y.toFixed(1)}" stroke="#000000"/>`);
      parts.push(txt(left - 8, y + font * 0.35, String(t), 'end'));
    }
    parts.push(txt(16, top + H / 2, 'Time (s)', 'middle', ` transform="rotate(-90 16 ${(top + H / 2).toFixed(1)})"`));
    if (opts.title) parts.push(txt(left, 18, opts.title.replace(/&/g, '&amp;').replace(/</g, '&lt;'), 'start'));
    const series = [
      ...(opts.overlay ? [{ label: undefined as string | undefined, color: '#E69F00', points: opts.overlay }] : []),
      ...(opts.overlays ?? []).map((o, i) => ({ label: o.label, color: o.color ?? OVERLAY_COLORS[i % OVERLAY_COLORS.length], points: o.points })),
    ];
    // Tracked positions may leave the axis (tip past its end): clip them to the image.
    parts.push(`<clipPath id="kymo-area"><rect x="${left}" y="${top}" width="${W}" height="${H}"/></clipPath>`);
    let keyX = left + W;
    for (const ser of series) {
      const ov = ser.points.filter((o) => o.tS >= t0 && o.tS <= t1 && Number.isFinite(o.posPx)).sort((a, b) => a.tS - b.tS);
      if (ov.length === 0) continue;
      const pts = ov.map((o) => `${(left + (o.posPx + 0.5) * sx).toFixed(1)},${yOf(o.tS).toFixed(1)}`);
      parts.push(`<g clip-path="url(#kymo-area)"><polyline points="${pts.join(' ')}" fill="none" stroke="${ser.color}" stroke-width="1.5" stroke-opacity="0.9"/>`);
      for (const p of pts) {
        const [x, y] = p.split(',');
        parts.push(`<circle cx="${x}" cy="${y}" r="1.8" fill="${ser.color}"/>`);
      }
      parts.push('</g>');
      if (ser.label) {
        const label = ser.label.replace(/&/g, '&amp;').replace(/</g, '&lt;');
        parts.push(txt(keyX, top - 6, label, 'end'));
        keyX -= label.length * font * 0.6 + 6;
        parts.push(`<rect x="${(keyX - 10).toFixed(1)}" y="${top - 14}" width="10" height="8" fill="${ser.color}"/>`);
        keyX -= 18;
      }
    }
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${totalW}" height="${totalH}">${parts.join('')}</svg>`;
    const sharp = await loadSharp();
    const kymo = await sharp(Buffer.from(img), { raw: { width: this.samples, height: rows, channels: 1 } })
      .resize({ width: W, height: H, kernel: 'nearest', fit: 'fill' })
      .toColourspace('srgb')
      .png()
      .toBuffer();
    return sharp({ create: { width: totalW, height: totalH, channels: 3, background: '#ffffff' } })
      .composite([
        { input: kymo, left, top },
        { input: Buffer.from(svg), left: 0, top: 0 },
      ])
      .removeAlpha()
      .png()
      .toBuffer();
  }
}
