/**
 * Write every figure of a run in both journal sizes: the Vega-Lite spec (JSON, for restyling),
 * the SVG, and a 300-dpi PNG, under `figures/` as `<name>.<1col|2col>.{vl.json,svg,png}`.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';
import { FIGURE_DEFS, type FigureDef } from './figureDefs.js';
import { FIGURE_SIZES, figureSizeSpec, type FigureSize } from './figureStyle.js';
import { physicalSvg, renderSvg, svgToPng } from './renderFigure.js';
import type { RunFolder } from './runFolderTypes.js';
import type { VlSpec } from './vlSpec.js';

/** One rendered figure size. */
export interface RenderedFigure {
  def: FigureDef;
  size: FigureSize;
  spec: VlSpec;
  svg: string;
  /** Paths written (spec, svg, and png unless disabled). */
  files: string[];
}

/** Options of {@link writeFigures}. */
export interface WriteFiguresOptions {
  /** Also write 300-dpi PNGs (default true). */
  png?: boolean;
  /** Figures to make (default {@link FIGURE_DEFS}). */
  defs?: readonly FigureDef[];
  /** Sizes to make (default both). */
  sizes?: readonly FigureSize[];
}

/** Build the specs of every figure the run has data for (no files written). */
export function buildFigureSpecs(
  run: RunFolder,
  defs: readonly FigureDef[] = FIGURE_DEFS,
  sizes: readonly FigureSize[] = FIGURE_SIZES,
): Array<{ def: FigureDef; size: FigureSize; spec: VlSpec }> {
  const out: Array<{ def: FigureDef; size: FigureSize; spec: VlSpec }> = [];
  for (const def of defs) {
    for (const size of sizes) {
      const spec = def.build(run, size);
      // `description` becomes the SVG's aria-label (screen readers, search in the page).
      if (spec) out.push({ def, size, spec: { description: def.title, ...spec } });
    }
  }
  return out;
}

/**
 * Render and write the figures of a run into `figuresDir`.
 * @returns the rendered figures with the paths written
 */
export async function writeFigures(run: RunFolder, figuresDir: string, opts: WriteFiguresOptions = {}): Promise<RenderedFigure[]> {
  const out: RenderedFigure[] = [];
  for (const { def, size, spec } of buildFigureSpecs(run, opts.defs, opts.sizes)) {
    const stem = join(figuresDir, `${def.name}.${figureSizeSpec(size).tag}`);
    const svg = physicalSvg(await renderSvg(spec));
    const files = [`${stem}.vl.json`, `${stem}.svg`];
    writeJsonAtomic(files[0], spec);
    writeFileAtomic(files[1], svg);
    if (opts.png ?? true) {
      files.push(`${stem}.png`);
      writeFileAtomic(files[2], await svgToPng(svg, figureSizeSpec(size).widthMm));
    }
    out.push({ def, size, spec, svg, files });
  }
  return out;
}
