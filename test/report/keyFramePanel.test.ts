import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { OKABE_ITO, trackColor } from '../../src/report/figureStyle.js';
import { keyFrameOverlaySvg, keyFramePanelLayout, renderAnnotatedFrameRgb, renderKeyFramePanel } from '../../src/report/renderKeyFramePanel.js';
import { niceScaleBarUm, timeLabel } from '../../src/report/scaleBar.js';

/** 200×130 (non-square) dark frame with a bright 5×5 block at x 25..29, y 100..104. */
function frame(): { width: number; height: number; data: Uint8Array } {
  const width = 200;
  const height = 130;
  const data = new Uint8Array(width * height).fill(40);
  for (let y = 100; y < 105; y++) for (let x = 25; x < 30; x++) data[y * width + x] = 200;
  return { width, height, data };
}

async function rgb(png: Buffer): Promise<{ w: number; h: number; at: (x: number, y: number) => [number, number, number] }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { w: info.width, h: info.height, at: (x, y) => [data[(y * info.width + x) * 3], data[(y * info.width + x) * 3 + 1], data[(y * info.width + x) * 3 + 2]] };
}

describe('renderKeyFramePanel', () => {
  const roi = { x: 20, y: 10, width: 150, height: 100 };
  const opts = { umPerPx: 0.5, tS: 754.2, scaleBarUm: 20, scale: 2 };

  it('crops to the ROI at the requested scale (expected size, content where expected)', async () => {
    const png = await renderKeyFramePanel(frame(), { roi }, opts);
    const img = await rgb(png);
    expect([img.w, img.h]).toEqual([300, 200]);
    // Block at frame (25..29, 100..104) → panel ((25-20)·2.., (100-10)·2..) = (10..19, 180..189).
    expect(img.at(14, 185)).toEqual([200, 200, 200]);
    expect(img.at(14, 170)).toEqual([40, 40, 40]);
    expect(img.at(30, 185)).toEqual([40, 40, 40]);
  });

  it('draws a white scale bar of scaleBarUm / umPerPx · scale pixels where the layout puts it', async () => {
    const png = await renderKeyFramePanel(frame(), { roi }, opts);
    const img = await rgb(png);
    const L = keyFramePanelLayout(roi.width, roi.height, opts);
    expect(L.scaleBar.width).toBe(80); // 20 µm / 0.5 µm/px × 2
    expect(L.scaleBar.label).toBe('20 µm');
    // Inside the frame, bottom right.
    expect(L.scaleBox.x + L.scaleBox.width).toBeLessThanOrEqual(300);
    expect(L.scaleBox.y + L.scaleBox.height).toBeLessThanOrEqual(200);
    expect(L.scaleBar.x).toBeGreaterThan(150);
    const yMid = L.scaleBar.y + Math.floor(L.scaleBar.height / 2);
    let white = 0;
    for (let x = L.scaleBox.x; x < L.scaleBox.x + L.scaleBox.width; x++) if (img.at(x, yMid).every((c) => c >= 250)) white++;
    expect(Math.abs(white - 80)).toBeLessThanOrEqual(1);
    expect(img.at(L.scaleBar.x + 40, yMid)).toEqual([255, 255, 255]);
    // Just outside the bar, inside the dark box: darker than the frame (40) under a 55 % black veil.
    const outside = img.at(L.scaleBar.x - 3, yMid);
    expect(outside[0]).toBeLessThan(30);
    // Well above the box the frame is untouched.
    expect(img.at(L.scaleBar.x + 40, L.scaleBox.y - 4)).toEqual([40, 40, 40]);
  });

  it('draws each tip as a ring in its track colour around the tip position', async () => {
    const tips = [{ id: 3, x: 100, y: 60 }];
    const img = await rgb(await renderKeyFramePanel(frame(), { roi, tips }, opts));
    const cx = (100 - 20 + 0.5) * 2;
    const cy = (60 - 10 + 0.5) * 2;
    const want = trackColor(3);
    expect(want).toBe(OKABE_ITO[2]);
    const [wr, wg, wb] = [1, 3, 5].map((i) => parseInt(want.slice(i, i + 2), 16));
    let hits = 0;
    for (let y = Math.floor(cy - 12); y <= cy + 12; y++) {
      for (let x = Math.floor(cx - 12); x <= cx + 12; x++) {
        const [r, g, b] = img.at(x, y);
        if (Math.abs(r - wr) < 30 && Math.abs(g - wg) < 30 && Math.abs(b - wb) < 30) hits++;
      }
    }
    expect(hits).toBeGreaterThan(10);
    // The tip pixel itself (ring centre) is not painted over.
    expect(img.at(Math.round(cx), Math.round(cy))).toEqual([40, 40, 40]);
    // The contour (orange) passes through frame (60,50) → panel (81,81).
    const withContour = await rgb(await renderKeyFramePanel(frame(), { roi, tips, contours: [[[60, 50], [100, 58], [101, 60], [100, 62], [60, 70]]] }, opts));
    expect(img.at(81, 81)).toEqual([40, 40, 40]);
    const [r, g, b] = withContour.at(81, 81);
    expect(r).toBeGreaterThan(150);
    expect(b).toBeLessThan(100);
    expect(g).toBeLessThan(r);
  });

  it('marks a branch end with a diamond centred on it and its label b<id> beside it', () => {
    const o = { umPerPx: 0.5, tS: 1 };
    const L = keyFramePanelLayout(150, 100, o);
    const svg = keyFrameOverlaySvg({ x: 0, y: 0, width: 150, height: 100 }, { branchTips: [{ dendriteId: 2, branchId: 1, x: 40, y: 60 }] }, o, L);
    const d = svg.match(/<path d="M([\d.]+),([\d.]+) L([\d.]+),([\d.]+) L([\d.]+),([\d.]+) L([\d.]+),([\d.]+) Z"/)!;
    expect(d).not.toBeNull();
    const xs = [d[1], d[3], d[5], d[7]].map(Number), ys = [d[2], d[4], d[6], d[8]].map(Number);
    // centre of pixel (40, 60) in the panel: (40.5, 60.5)
    expect((Math.min(...xs) + Math.max(...xs)) / 2).toBeCloseTo(40.5, 1);
    expect((Math.min(...ys) + Math.max(...ys)) / 2).toBeCloseTo(60.5, 1);
    expect(svg).toMatch(/>b1<\/text>/);
  });

  it('keeps track ids inside the panel near its borders', () => {
    const o = { umPerPx: 0.5, tS: 1 };
    const L = keyFramePanelLayout(150, 100, o);
    const svg = keyFrameOverlaySvg({ x: 0, y: 0, width: 150, height: 100 }, { tips: [{ id: 12, x: 148, y: 1 }, { id: 3, x: 50, y: 50 }] }, o, L);
    const texts = [...svg.matchAll(/<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"[^>]*>(\d+)<\/text>/g)].map((m) => ({ x: +m[1], y: +m[2], anchor: m[3], id: m[4] }));
    const t12 = texts.find((t) => t.id === '12')!;
    expect(t12.anchor).toBe('end'); // flipped left of the tip at the right border
    expect(t12.y).toBeGreaterThan(1.5 + L.fontPx * 0.5); // and below it at the top border
    const lettered = keyFrameOverlaySvg({ x: 0, y: 0, width: 150, height: 100 }, {}, { ...o, label: 'b' }, L);
    expect(lettered).toMatch(new RegExp(`<text x="${L.widthPx - L.fontPx * 0.5}" y="[\\d.]+" text-anchor="end"[^>]*font-weight="bold"[^>]*>b</text>`));
    const t3 = texts.find((t) => t.id === '3')!;
    expect(t3.anchor).toBe('start');
    expect(t3.y).toBeLessThan(50.5);
  });

  it('gives the same pixels as raw RGB24 for the overlay video', async () => {
    const tips = [{ id: 1, x: 90, y: 40 }];
    const raw = await renderAnnotatedFrameRgb(frame(), { roi, tips }, opts);
    expect([raw.width, raw.height, raw.data.length]).toEqual([300, 200, 300 * 200 * 3]);
    const png = await sharp(await renderKeyFramePanel(frame(), { roi, tips }, opts)).raw().toBuffer();
    expect(raw.data.equals(png)).toBe(true);
  });

  it('burns the time in at the top left (text pixels present there)', async () => {
    const img = await rgb(await renderKeyFramePanel(frame(), { roi }, opts));
    let bright = 0;
    for (let y = 0; y < 30; y++) for (let x = 0; x < 120; x++) if (img.at(x, y)[0] > 200) bright++;
    expect(bright).toBeGreaterThan(50);
    expect(timeLabel(754.2)).toBe('t = 754 s');
    expect(timeLabel(12.34)).toBe('t = 12.3 s');
    expect(timeLabel(3725)).toBe('t = 3725 s (1:02:05)');
  });

  it('defaults the bar to a 1-2-5 length near 20 % of the width and rejects a ROI outside the frame', async () => {
    expect(niceScaleBarUm(37)).toBe(20);
    expect(niceScaleBarUm(0.7)).toBe(0.5);
    expect(niceScaleBarUm(100)).toBe(100);
    expect(keyFramePanelLayout(150, 100, { umPerPx: 0.5, tS: 0 }).scaleBar.lengthUm).toBe(10); // 20 % of 75 µm = 15 → 10
    await expect(renderKeyFramePanel(frame(), { roi: { x: 100, y: 0, width: 150, height: 50 } }, opts)).rejects.toBeInstanceOf(InputError);
    await expect(renderKeyFramePanel(frame(), {}, { umPerPx: 0, tS: 0 })).rejects.toThrow(/umPerPx/);
  });
});
