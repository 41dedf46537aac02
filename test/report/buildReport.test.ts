/**
 * buildReport / `lidtrack report DIR` on a hand-made run folder: every file written is read back
 * (specs compile, SVGs and PNGs decode at the stated size, CSV and JSON parse with schema_version
 * and units), a rebuild is byte-identical, no temporary file is left, and the CLI maps user
 * errors to exit code 2 with one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/buildReport.js';
import { parseCsv } from '../../src/report/csvTable.js';
import { svgSize } from '../../src/report/renderFigure.js';
import { makeRunFolder } from './makeRunFolder.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dir: string;
let files: string[];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lidtrack-build-'));
  await makeRunFolder(dir, { images: true });
  files = (await buildReport(dir, { unitsRow: true })).files;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildReport', () => {
  it('writes figures in both sizes, the table, the index, TrackMate files and report.html', () => {
    const rel = files.map((f) => f.slice(dir.length + 1)).sort();
    for (const name of ['length_vs_time', 'j_tip', 'j_tip_vs_time', 'inclusions', 'fit', 'drift']) {
      for (const tag of ['1col', '2col']) for (const ext of ['vl.json', 'svg', 'png']) expect(rel).toContain(`figures/${name}.${tag}.${ext}`);
    }
    for (const f of ['figures/summary_table.csv', 'figures/figures.json', 'tracks.trackmate.xml', 'tracks.simple.xml', 'report.html']) expect(rel).toContain(f);
    expect(rel).toHaveLength(7 * 2 * 3 + 5);
  });

  it('re-reads every file it wrote', async () => {
    for (const f of files) {
      const buf = readFileSync(f);
      if (f.endsWith('.vl.json')) {
        const spec = JSON.parse(buf.toString('utf8'));
        expect(spec.usermeta.lidtrack.schema_version, f).toBe(1);
        expect(Object.keys(spec.usermeta.lidtrack.units).length, f).toBeGreaterThan(0);
        expect(() => vl.compile(spec as TopLevelSpec), f).not.toThrow();
      } else if (f.endsWith('.svg')) {
        const text = buf.toString('utf8');
        const { width } = svgSize(text);
        // Physical size in points: 85 mm = 241 pt wide (one column); two-column ≈ 510 pt.
        expect(/<svg[^>]*\swidth="(\d+(?:\.\d+)?)pt"/.test(text), f).toBe(true);
        if (f.includes('.1col.') && !f.includes('inclusions') && !f.includes('fit.')) expect(width, f).toBe(241);
        expect(width, f).toBeGreaterThan(200);
      } else if (f.endsWith('.png')) {
        const m = await sharp(buf).metadata();
        expect(m.width, f).toBe(f.includes('.1col.') ? 1004 : 2126);
        expect(m.density, f).toBe(300);
      } else if (f.endsWith('.csv')) {
        const t = parseCsv(buf.toString('utf8'), f);
        expect(t.units).toEqual(['', '', 's', 's', 'µm/s', 'µm/s', 'µm/s', 'A/cm²', 'A/cm²', 'A/cm²']);
        expect(t.rows).toHaveLength(2);
      } else if (f.endsWith('figures.json')) {
        const idx = JSON.parse(buf.toString('utf8'));
        expect(idx.schema_version).toBe(1);
        expect(idx.units.length_um).toBe('µm');
        expect(idx.units.j_tip_A_per_cm2).toBe('A/cm²');
        expect(idx.figures).toHaveLength(14);
        for (const fig of idx.figures) for (const p of fig.files) expect(files).toContain(join(dir, p));
      } else if (f.endsWith('.xml')) {
        expect(buf.toString('utf8').startsWith('<?xml version="1.0" encoding="UTF-8"')).toBe(true);
      } else if (f.endsWith('report.html')) {
        const html = buf.toString('utf8');
        expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
        // Self-contained: no external src/href target, no script.
        expect(html).not.toMatch(/\s(src|href)="https?:/);
        expect(html).not.toMatch(/<script|<link\s/);
        expect((html.match(/<svg\b/g) ?? []).length).toBe(7);
        expect((html.match(/src="data:image\/png;base64,/g) ?? []).length).toBe(3);
      } else {
        throw new Error(`unexpected output ${f}`);
      }
    }
    // Atomic writes leave no temporary files behind.
    const all = [...readdirSync(dir), ...readdirSync(join(dir, 'figures'))];
    expect(all.filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('is deterministic: a rebuild gives byte-identical specs, SVGs, PNGs, tables and HTML', async () => {
    const before = new Map(files.map((f) => [f, readFileSync(f)]));
    const again = (await buildReport(dir, { unitsRow: true })).files;
    expect(again).toEqual(files);
    for (const f of again) {
      if (f.endsWith('tracks.simple.xml')) continue; // carries its generation time, as TrackMate's does
      expect(readFileSync(f).equals(before.get(f)!), f).toBe(true);
    }
  }, 60_000);
});

describe('lidtrack report (CLI)', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'lidtrack.js'), 'report', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('rebuilds a run folder without PNGs and exits 0', () => {
    const d = mkdtempSync(join(tmpdir(), 'lidtrack-cli-'));
    return makeRunFolder(d, { optional: false }).then(() => {
      const r = cli(d, '--no-png');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^wrote \d+ files in /);
      const figs = readdirSync(join(d, 'figures'));
      expect(figs.filter((n) => n.endsWith('.png'))).toEqual([]);
      // Without inclusions, drift or fit only the dendrite figures exist.
      expect(figs.filter((n) => n.endsWith('.svg')).sort()).toEqual([
        'j_tip.1col.svg', 'j_tip.2col.svg', 'j_tip_vs_time.1col.svg', 'j_tip_vs_time.2col.svg', 'length_vs_time.1col.svg', 'length_vs_time.2col.svg',
      ]);
      rmSync(d, { recursive: true, force: true });
    });
  }, 60_000);

  it('exits 2 with one line naming file, line and column for a broken tracks.csv', () => {
    const d = mkdtempSync(join(tmpdir(), 'lidtrack-cli-bad-'));
    return makeRunFolder(d, { optional: false }).then(() => {
      const text = readFileSync(join(d, 'tracks.csv'), 'utf8').split('\n');
      text[4] = text[4].replace(/^1,3,/, '1,3x,');
      writeFileSync(join(d, 'tracks.csv'), text.join('\n'));
      const b = cli(d);
      expect(b.status).toBe(2);
      expect(b.stderr.trim().split('\n')).toHaveLength(1);
      expect(b.stderr).toMatch(/^lidtrack: tracks\.csv:5: column "frame" is "3x", not a finite number/);
      rmSync(d, { recursive: true, force: true });
    });
  }, 60_000);
});
