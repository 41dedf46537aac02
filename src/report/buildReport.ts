/**
 * `lidtrack report DIR`: rebuild every figure, the summary table, the TrackMate files and
 * report.html of a finished run folder from its files alone (the video is not touched).
 *
 *   1. read and check the run folder
 *   2. figures/ : Vega-Lite specs, SVG, 300-dpi PNG, one- and two-column
 *   3. figures/summary_table.csv and figures/figures.json (index with schema_version, units)
 *   4. tracks.trackmate.xml and tracks.simple.xml for Fiji/TrackMate
 *   5. report.html
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { loadSharp } from '../core/lazySharp.js';
import { LIDTRACK_VERSION } from '../core/version.js';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { writeCsvWithUnitsAtomic, unitForColumn } from './csvUnits.js';
import { FIGURE_DEFS, type FigureDef } from './figureDefs.js';
import { figureSizeSpec } from './figureStyle.js';
import { readRunFolder } from './readRunFolder.js';
import { renderReportHtml } from './renderReportHtml.js';
import { runPlatingEdge, runUmPerPx } from './runCalibration.js';
import type { RunFolder } from './runFolderTypes.js';
import { SUMMARY_TABLE_COLUMNS, summaryTableRows } from './summaryTable.js';
import type { TrackMateMeta } from './trackMateXml.js';
import { writeTrackMate } from './writeTrackMate.js';
import { writeFigures } from './writeFigures.js';

/** Options of {@link buildReport}; every field has a default. */
export interface BuildReportOptions {
  /** Write 300-dpi PNGs beside the SVGs (default true; `--no-png` turns it off). */
  png?: boolean;
  /** Add a units line under the CSV header of figures/summary_table.csv (default false). */
  unitsRow?: boolean;
  /** Write tracks.trackmate.xml and tracks.simple.xml (default true). */
  trackMate?: boolean;
  /** Page title (default "lidtrack report — <folder name>"). */
  title?: string;
  /** Most key frames inlined into report.html (default 24). */
  maxKeyframes?: number;
  /** Extra figures (e.g. the fit stage's) appended after the built-in ones. */
  extraFigures?: readonly FigureDef[];
}

/**
 * A PNG for inlining into report.html: unchanged when at most `maxWidthPx` wide, else scaled
 * down (the full-resolution file stays in the run folder), so a page with 24 full-HD key
 * frames stays a few MB.
 */
async function pagePng(path: string, maxWidthPx: number): Promise<Buffer> {
  const buf = readFileSync(path);
  const sharp = await loadSharp();
  const meta = await sharp(buf).metadata();
  if (!meta.width || meta.width <= maxWidthPx) return buf;
  return sharp(buf).resize({ width: maxWidthPx }).png({ compressionLevel: 9 }).toBuffer();
}

/** Regular, non-hidden files in the run folder root (data, overlay video, logs) for the page's file list. */
function runRootFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name);
}

/** Nominal frame interval [s]: median spacing of the distinct frame times in tracks.csv (1 if unknown). */
function medianFrameIntervalS(run: RunFolder): number {
  const byFrame = new Map<number, number>();
  for (const p of run.tracks) byFrame.set(p.frame, p.tS);
  const fr = [...byFrame.entries()].sort((a, b) => a[0] - b[0]);
  const d: number[] = [];
  for (let i = 1; i < fr.length; i++) {
    const df = fr[i][0] - fr[i - 1][0];
    if (df > 0) d.push((fr[i][1] - fr[i - 1][1]) / df);
  }
  if (d.length === 0) return 1;
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)];
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** TrackMate calibration and image facts from summary.video and the tracks. */
export function trackMateMetaOf(run: RunFolder): TrackMateMeta {
  const video = run.summary.video ?? {};
  const path = typeof video.path === 'string' ? video.path : undefined;
  return {
    umPerPx: runUmPerPx(run) ?? 1,
    frameIntervalS: num(video.nominalFps) ? 1 / (video.nominalFps as number) : medianFrameIntervalS(run),
    widthPx: num(video.width),
    heightPx: num(video.height),
    nFrames: num(video.frameCount),
    imagePath: path,
  };
}

/**
 * Rebuild figures, tables, TrackMate files and report.html for a finished run folder.
 * @param dir run folder (tracks.csv and summary.json required)
 * @param opts see {@link BuildReportOptions}
 * @returns absolute paths of every file written, and warnings about optional parts of the
 *   run folder that were malformed and left out
 * @throws InputError when the folder or a file breaks the SPEC.md contract
 */
export async function buildReport(dir: string, opts: BuildReportOptions = {}): Promise<{ files: string[]; warnings: string[] }> {
  // 1. read
  const run = readRunFolder(dir);
  const figuresDir = join(run.dir, 'figures');
  const files: string[] = [];
  // 2. figures
  const defs = [...FIGURE_DEFS, ...(opts.extraFigures ?? [])];
  const rendered = await writeFigures(run, figuresDir, { png: opts.png ?? true, defs });
  for (const r of rendered) files.push(...r.files);
  // 3. table and index
  const tablePath = join(figuresDir, 'summary_table.csv');
  writeCsvWithUnitsAtomic(tablePath, [...SUMMARY_TABLE_COLUMNS], summaryTableRows(run), { unitsRow: opts.unitsRow ?? false });
  files.push(tablePath);
  const indexPath = join(figuresDir, 'figures.json');
  const allUnits: Record<string, string> = {};
  for (const r of rendered) {
    const u = (r.spec.usermeta as { lidtrack: { units: Record<string, string> } }).lidtrack.units;
    Object.assign(allUnits, u);
  }
  for (const c of SUMMARY_TABLE_COLUMNS) allUnits[c] = unitForColumn(c);
  writeJsonAtomic(indexPath, {
    schema_version: 1,
    lidtrack_version: LIDTRACK_VERSION,
    units: Object.fromEntries(Object.entries(allUnits).sort(([a], [b]) => a.localeCompare(b))),
    figures: rendered.map((r) => ({
      name: r.def.name,
      title: r.def.title,
      size: r.size,
      width_mm: figureSizeSpec(r.size).widthMm,
      files: r.files.map((f) => relative(run.dir, f)),
    })),
    tables: [{ name: 'summary_table', file: relative(run.dir, tablePath), units_row: opts.unitsRow ?? false }],
  });
  files.push(indexPath);
  // 4. TrackMate
  if (opts.trackMate ?? true) {
    files.push(...writeTrackMate(run.dir, run.tracks, trackMateMetaOf(run)));
  }
  // 5. report.html
  const maxKf = opts.maxKeyframes ?? 24;
  const html = renderReportHtml({
    title: opts.title ?? `lidtrack report — ${basename(run.dir)}`,
    runDir: run.dir,
    lidtrackVersion: LIDTRACK_VERSION,
    summary: run.summary,
    umPerPx: runUmPerPx(run),
    platingEdge: runPlatingEdge(run),
    figures: rendered
      .filter((r) => r.size === 'two-column')
      .map((r) => ({ name: r.def.name, title: r.def.title, caption: r.def.caption, svg: r.svg, files: r.files.map((f) => relative(run.dir, f)) })),
    keyframes: await Promise.all(run.keyframes.slice(0, maxKf).map(async (k) => ({ name: k.name, png: await pagePng(k.path, 900) }))),
    keyframesOmitted: Math.max(0, run.keyframes.length - maxKf),
    kymographs: await Promise.all(run.kymographs.map(async (k) => ({ name: k.name, png: await pagePng(k.path, 1000) }))),
    fit: run.fit,
    manifest: run.manifest,
    warnings: run.summary.warnings,
    files: [...new Set([...files.map((f) => relative(run.dir, f)), ...runRootFiles(run.dir)])].filter((f) => f !== 'report.html').sort(),
  });
  const htmlPath = join(run.dir, 'report.html');
  writeFileAtomic(htmlPath, html);
  files.push(htmlPath);
  return { files, warnings: run.summary.warnings };
}
