import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { KymographBuilder, uniformTimeRows } from '../../src/report/KymographBuilder.js';

/** 90×50 frame: background 30, a bright bar on rows 19..21 from x = 10 to x = 10 + 2k (a tip growing 2 px/frame). */
function frame(k: number): { width: number; height: number; data: Uint8Array; tS: number } {
  const width = 90;
  const height = 50;
  const data = new Uint8Array(width * height).fill(30);
  for (let y = 19; y <= 21; y++) for (let x = 10; x <= 10 + 2 * k; x++) data[y * width + x] = 230;
  return { width, height, data, tS: 1.5 * k };
}

describe('KymographBuilder', () => {
  it('samples one row per frame along the axis; the bright front sits at the tip position', () => {
    const kb = new KymographBuilder([[10, 20], [80, 20]], 3);
    expect(kb.samples).toBe(71);
    for (let k = 0; k < 30; k++) kb.add(frame(k));
    const g = kb.kymogram();
    expect([g.rows, g.samples]).toEqual([30, 71]);
    expect(g.data.length).toBe(30 * 71); // memory: one byte per frame × axis sample
    for (let k = 0; k < 30; k++) {
      const row = g.data.subarray(k * 71, (k + 1) * 71);
      const firstDark = row.findIndex((v) => v < 130);
      expect(firstDark).toBe(Math.min(2 * k + 1, 71) === 71 ? -1 : 2 * k + 1);
      expect(row[0]).toBe(230);
    }
    expect(g.tS[29]).toBeCloseTo(43.5, 12);
  });

  it('averages across the band and interpolates bilinearly between pixel centres', () => {
    // Band of width 3 across rows 18..20 of the bar (rows 19..21): one of three rows is background.
    const kb = new KymographBuilder([[10, 19], [40, 19]], 3);
    kb.add(frame(20));
    expect(kb.kymogram().data[0]).toBe(Math.round((30 + 230 + 230) / 3));
    // Half-way between row 21 (bright) and row 22 (background): the mean of the two.
    const half = new KymographBuilder([[10, 21.5], [40, 21.5]], 1);
    half.add(frame(20));
    expect(half.kymogram().data[0]).toBe(130);
  });

  it('places rows on a uniform time grid (nearest frame), so a gap in the recording keeps its duration', () => {
    // Frames at 0,1,2 s, then a gap to 9,10 s: 11 rows 1 s apart.
    expect(uniformTimeRows([0, 1, 2, 9, 10], 11)).toEqual([0, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4]);
    expect(uniformTimeRows([0, 1, 2, 3], 4)).toEqual([0, 1, 2, 3]); // regular: identity
    expect(uniformTimeRows([0, 0.5, 5], 3)).toEqual([0, 1, 2]);
  });

  it('follows a diagonal polyline with 1 px steps', () => {
    const kb = new KymographBuilder([[0, 0], [30, 40], [30, 45]], 1);
    expect(kb.lengthPx).toBeCloseTo(55, 12);
    expect(kb.samples).toBe(56);
  });

  it('renders a PNG with axes in µm and s and the overlay, not blank', async () => {
    const kb = new KymographBuilder([[10, 20], [80, 20]], 3);
    for (let k = 0; k < 30; k++) kb.add(frame(k));
    const png = await kb.toPng({ umPerPx: 0.5, overlay: Array.from({ length: 30 }, (_, k) => ({ tS: 1.5 * k, posPx: 2 * k })), title: 'Dendrite 1' });
    const m = await sharp(png).metadata();
    expect(m.width!).toBeGreaterThanOrEqual(480);
    expect(m.height!).toBeGreaterThanOrEqual(360);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let orange = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] > 180 && data[i + 1] > 60 && data[i + 1] < 170 && data[i + 2] < 60) orange++;
    expect(orange).toBeGreaterThan(100); // the tracked tip line is drawn
  });

  it('rejects bad input with InputError', async () => {
    expect(() => new KymographBuilder([[1, 1]], 1)).toThrow(InputError);
    expect(() => new KymographBuilder([[1, 1], [1, 1]], 1)).toThrow(InputError);
    expect(() => new KymographBuilder([[1, 1], [5, 1]], 0)).toThrow(InputError);
    const kb = new KymographBuilder([[10, 20], [80, 20]], 1);
    kb.add(frame(0));
    expect(() => kb.add({ width: 10, height: 10, data: new Uint8Array(100) })).toThrow(InputError);
    kb.add({ ...frame(1), tS: 0 });
    await expect(kb.toPng({ umPerPx: 0.5 })).rejects.toThrow(/increase/);
  });
});
