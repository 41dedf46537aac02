import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';
import { fitLine, lineBandHalfWidth } from '../../src/measure/regression.js';
import { csvWithUnitsRow } from '../../src/report/csvUnits.js';
import { figureSizeSpec } from '../../src/report/figureStyle.js';
import { readRunFolder } from '../../src/report/readRunFolder.js';
import { regressionBand } from '../../src/report/regressionBand.js';
import { renderSvg, svgToPng } from '../../src/report/renderFigure.js';
import type { RunFolder } from '../../src/report/runFolderTypes.js';
import { SUMMARY_TABLE_COLUMNS, formatWithCi, summaryTableRows } from '../../src/report/summaryTable.js';
import { buildFigureSpecs } from '../../src/report/writeFigures.js';
import { golden } from './golden.js';
import { makeRunFolder, ols, truthTracks } from './makeRunFolder.js';

let dir: string;
let run: RunFolder;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lidtrack-fig-'));
  await makeRunFolder(dir);
  run = readRunFolder(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('figure specs', () => {
  it('are the golden Vega-Lite specs (deterministic, both sizes, every figure)', () => {
    const specs = buildFigureSpecs(run);
    expect(specs.map((s) => `${s.def.name}.${figureSizeSpec(s.size).tag}`)).toEqual([
      'length_vs_time.1col', 'length_vs_time.2col', 'j_tip.1col', 'j_tip.2col', 'j_tip_vs_time.1col', 'j_tip_vs_time.2col',
      'inclusions.1col', 'inclusions.2col', 'inclusion_area.1col', 'inclusion_area.2col', 'fit.1col', 'fit.2col', 'drift.1col', 'drift.2col',
    ]);
    for (const s of specs) {
      const text = JSON.stringify(s.spec, null, 2) + '\n';
      expect(text, `${s.def.name} ${s.size}`).toBe(golden(`${s.def.name}.${figureSizeSpec(s.size).tag}.vl.json`, text));
      // Built twice from the same data: byte-identical.
      expect(JSON.stringify({ description: s.def.title, ...s.def.build(run, s.size) })).toBe(JSON.stringify(s.spec));
    }
  });

  it('compile with vega-lite, carry schema_version and units, use a generic font and Okabe–Ito colours', () => {
    for (const s of buildFigureSpecs(run)) {
      const meta = (s.spec.usermeta as { lidtrack: { schema_version: number; units: Record<string, string> } }).lidtrack;
      expect(meta.schema_version).toBe(1);
      expect(Object.keys(meta.units).length).toBeGreaterThan(0);
      expect((s.spec.config as { font: string }).font).toBe('sans-serif');
      // No vega-lite warning either (a warning means an encoding is ignored or misread).
      const warnings: string[] = [];
      const logger = {
        level: () => logger,
        error: (...a: unknown[]) => (warnings.push(`error ${a.join(' ')}`), logger),
        warn: (...a: unknown[]) => (warnings.push(`warn ${a.join(' ')}`), logger),
        info: () => logger,
        debug: () => logger,
      };
      expect(() => vl.compile(s.spec as unknown as TopLevelSpec, { logger: logger as never })).not.toThrow();
      expect(warnings, `${s.def.name} ${s.size}`).toEqual([]);
    }
    const lvt = JSON.stringify(buildFigureSpecs(run).find((s) => s.def.name === 'length_vs_time')?.spec);
    expect(lvt).toContain('"range":["#0072B2","#D55E00"]');
  });

  it('put the velocity axis of the j_tip figure on the same zero and scale ratio zF/V_m', () => {
    const spec = buildFigureSpecs(run).find((s) => s.def.name === 'j_tip')!.spec as { layer: Array<Record<string, any>> };
    const jDomain = spec.layer[0].layer.at(-1).encoding.y.scale.domain as number[];
    const vDomain = spec.layer[1].encoding.y.scale.domain as number[];
    expect(jDomain[0]).toBe(0);
    expect(vDomain[0]).toBe(0);
    expect(jDomain[1] / vDomain[1]).toBeCloseTo(jTipAPerCm2FromVelocityUmPerS(1), 5); // 0.7338 A/cm² per µm/s
    expect(jDomain[1]).toBeGreaterThan(Math.max(...run.summary.tracks.map((t) => t.jTipCi95APerCm2![1])));
  });

  it('leave out figures without data (no inclusions, drift or rates)', () => {
    const bare: RunFolder = { ...run, inclusions: null, drift: null, fitResiduals: null, summary: { ...run.summary, tracks: run.summary.tracks.map((t) => ({ ...t, rates: [] })) } };
    expect([...new Set(buildFigureSpecs(bare).map((s) => s.def.name))]).toEqual(['length_vs_time', 'j_tip']);
  });

  it('draw the OLS 95 % band of the mean exactly when the interval is an OLS interval', () => {
    const tr = truthTracks()[0];
    const fit = ols(tr.tS, tr.lengthUm);
    const s = run.summary.tracks.find((t) => t.id === 1)!;
    const band = regressionBand(run.tracks.filter((p) => p.trackId === 1), s, 11);
    const n = tr.tS.length;
    const tb = tr.tS.reduce((a, b) => a + b, 0) / n;
    const sxx = tr.tS.reduce((a, t) => a + (t - tb) ** 2, 0);
    const resid = tr.tS.map((t, i) => tr.lengthUm[i] - fit.intercept - fit.slope * t);
    const sRes = Math.sqrt(resid.reduce((a, r) => a + r * r, 0) / (n - 2));
    const tStar = 2.093024; // t(0.975, 19)
    expect(band).toHaveLength(11);
    for (const b of band) {
      const expectedHalf = tStar * sRes * Math.sqrt(1 / n + (b.tS - tb) ** 2 / sxx);
      expect(b.fitUm).toBeCloseTo(fit.intercept + fit.slope * b.tS, 9);
      expect((b.hiUm! - b.loUm!) / 2).toBeCloseTo(expectedHalf, 9);
    }
    // Same band as the measure stage's own OLS (independent implementation, t from its quantile).
    const m = fitLine(tr.tS, tr.lengthUm);
    for (const b of band) expect((b.hiUm! - b.loUm!) / 2).toBeCloseTo(lineBandHalfWidth(m, b.tS), 5);
    // Narrowest at the mean time, as a confidence band of the mean must be.
    const halves = band.map((b) => b.hiUm! - b.loUm!);
    const iMin = halves.indexOf(Math.min(...halves));
    expect(Math.abs(band[iMin].tS - tb)).toBeLessThanOrEqual((band[1].tS - band[0].tS) / 2 + 1e-12);
  });
});

describe('long runs', () => {
  it('thin plotted series to ≤ 1500 points (first and last kept) and a held current to its steps', () => {
    const n = 20_000;
    const tracks = Array.from({ length: n }, (_, i) => ({ trackId: 1, frame: i, tS: i * 0.5, tipXPx: i, tipYPx: 1, tipXUm: i, tipYUm: 1, lengthUm: 0.01 * i, extra: {} }));
    const current = Array.from({ length: n }, (_, i) => ({ tS: i * 0.5, currentMA: i < 5000 ? 0.2 : i < 12_000 ? -0.2 : 0.2, voltageV: null }));
    const inclusions = Array.from({ length: n }, (_, i) => ({ inclusionId: 1, frame: i, tS: i * 0.5, frontXUm: 5 + i * 1e-3, frontYUm: 0, backXUm: i * 1e-3, backYUm: 0, centroidXUm: 2.5 + i * 1e-3, centroidYUm: 0, areaUm2: 1 }));
    const big: RunFolder = { ...run, tracks, current, inclusions, drift: null, fitResiduals: null, summary: { ...run.summary, tracks: [] } };
    const lvt = buildFigureSpecs(big).find((s) => s.def.name === 'length_vs_time')!.spec;
    const pts = ((lvt.layer as Array<{ data: { values: Array<{ t_s: number }> } }>).at(-1)!).data.values;
    expect(pts.length).toBeLessThanOrEqual(1501);
    expect(pts[0].t_s).toBe(0);
    expect(pts.at(-1)!.t_s).toBe((n - 1) * 0.5);
    const inc = buildFigureSpecs(big).find((s) => s.def.name === 'inclusions')!.spec as { vconcat: Array<Record<string, unknown>> };
    const curValues = ((inc.vconcat[1].layer as Array<{ data: { values: Array<{ t_s: number; current_mA: number }> } }>)[1]).data.values;
    expect(curValues).toEqual([
      { t_s: 0, current_mA: 0.2 },
      { t_s: 2500, current_mA: -0.2 },
      { t_s: 6000, current_mA: 0.2 },
      { t_s: 9999.5, current_mA: 0.2 },
    ]);
    expect(JSON.stringify(inc).length).toBeLessThan(600_000);
  });
});

describe('summary table', () => {
  it('is the golden CSV and matches the ground truth of the synthetic run', () => {
    const rows = summaryTableRows(run);
    const text = csvWithUnitsRow([...SUMMARY_TABLE_COLUMNS], rows, { unitsRow: true });
    expect(text).toBe(golden('summary_table.csv', text));
    expect(text.split('\n')[1]).toBe(',,s,s,µm/s,µm/s,µm/s,A/cm²,A/cm²,A/cm²');
    for (const [i, tr] of truthTracks().entries()) {
      const v = ols(tr.tS, tr.lengthUm).slope;
      expect(rows[i][0]).toBe(tr.id);
      expect(rows[i][4] as number).toBeCloseTo(v, 12);
      expect(rows[i][7] as number).toBeCloseTo(jTipAPerCm2FromVelocityUmPerS(v), 12);
    }
    // Paper numbers: 8.6 µm/s → 6.3 A/cm², 4.5 µm/s → 3.3 A/cm² (true velocities of the synthetic tracks).
    expect(rows[0][7] as number).toBeCloseTo(6.31, 1);
    expect(rows[1][7] as number).toBeCloseTo(3.30, 1);
  });

  it('formats values to the precision of their interval', () => {
    expect(formatWithCi(8.60219, [8.55889, 8.64549])).toBe('8.602 [8.559, 8.645]');
    expect(formatWithCi(8.6, [8.1, 9.1])).toBe('8.60 [8.10, 9.10]');
    expect(formatWithCi(123.4, [100, 150])).toBe('123 [100, 150]');
    expect(formatWithCi(null, null)).toBe('—');
  });
});

describe('rendering', () => {
  it('renders SVG with unit axis titles and a 300-dpi PNG of exact journal width, not blank', async () => {
    const specs = buildFigureSpecs(run).filter((s) => s.def.name === 'length_vs_time' || s.def.name === 'inclusions');
    for (const s of specs) {
      const svg = await renderSvg(s.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('Time (s)');
      const size = figureSizeSpec(s.size);
      const png = await svgToPng(svg, size.widthMm);
      const meta = await sharp(png).metadata();
      const expectedW = Math.round((size.widthMm / 25.4) * 300);
      expect(meta.width).toBe(expectedW); // 85 mm → 1004 px, 180 mm → 2126 px
      expect(meta.density).toBe(300);
      expect(meta.height!).toBeGreaterThan(expectedW * 0.3);
      const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
      let dark = 0;
      for (let i = 0; i < data.length; i++) if (data[i] < 128) dark++;
      const frac = dark / (info.width * info.height);
      // Axes, text and data are drawn (not blank) but the figure is mostly white background.
      expect(frac).toBeGreaterThan(0.005);
      expect(frac).toBeLessThan(0.25);
      // Text renders headless (fontconfig resolves the generic family): the rotated y-axis
      // title in the leftmost 4 % of the figure has dark pixels.
      let titleInk = 0;
      for (let y = 0; y < info.height; y++) for (let x = 0; x < Math.round(info.width * 0.04); x++) if (data[y * info.width + x] < 128) titleInk++;
      expect(titleInk, `${s.def.name} ${s.size}`).toBeGreaterThan(100);
    }
    const lvt = await renderSvg(specs[0].spec);
    expect(lvt).toContain('Tip length (µm)');
  });
});
