/**
 * House style of lidtrack figures: journal column widths, a colour-blind-safe palette and a
 * generic font family that every headless renderer (librsvg via sharp, Chromium) resolves.
 *
 * Spec coordinates are PostScript points (1/72 in): an 85 mm figure is 241 pt wide, fonts are
 * given in pt as journals ask, and a PNG rendered at density 300 is exactly 300 dpi.
 */

/** Okabe & Ito (2008) colour-blind-safe palette, ordered for contrast on white (yellow late). */
export const OKABE_ITO: readonly string[] = [
  '#0072B2', // blue
  '#D55E00', // vermillion
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#E69F00', // orange
  '#56B4E9', // sky blue
  '#000000', // black
  '#F0E442', // yellow
];

/** Colour of a track id, the same in every figure and key frame (palette cycles every 8 ids). */
export function trackColor(id: number): string {
  const n = OKABE_ITO.length;
  return OKABE_ITO[(((Math.round(id) - 1) % n) + n) % n];
}

/** Figure sizes of a typical two-column journal page. */
export type FigureSize = 'one-column' | 'two-column';
export const FIGURE_SIZES: readonly FigureSize[] = ['one-column', 'two-column'];

/** Physical and typographic parameters of a figure size. */
export interface FigureSizeSpec {
  /** Short tag used in file names. */
  tag: string;
  widthMm: number;
  /** Width in points (1/72 in), the unit of the spec. */
  widthPt: number;
  /** Default height of a single panel [pt]. */
  panelHeightPt: number;
  /** Base font size [pt]. */
  fontPt: number;
}

const PT_PER_MM = 72 / 25.4;

/** Size parameters: 85 mm (one column) and 180 mm (two columns). */
export function figureSizeSpec(size: FigureSize): FigureSizeSpec {
  return size === 'one-column'
    ? { tag: '1col', widthMm: 85, widthPt: Math.round(85 * PT_PER_MM), panelHeightPt: 150, fontPt: 7 }
    : { tag: '2col', widthMm: 180, widthPt: Math.round(180 * PT_PER_MM), panelHeightPt: 210, fontPt: 8 };
}

/** Generic family: resolved by fontconfig (sharp) and by the browser without any named font. */
export const FIGURE_FONT = 'sans-serif';

/** Vega-Lite `config` for a size: fonts, axes, legend, palette; deterministic and self-contained. */
export function figureConfig(size: FigureSize): Record<string, unknown> {
  const s = figureSizeSpec(size);
  return {
    font: FIGURE_FONT,
    background: 'white',
    padding: 4,
    view: { stroke: null },
    axis: {
      labelFontSize: s.fontPt,
      titleFontSize: s.fontPt + 1,
      titleFontWeight: 'normal',
      tickColor: '#000000',
      domainColor: '#000000',
      labelColor: '#000000',
      titleColor: '#000000',
      grid: true,
      gridColor: '#e6e6e6',
      gridWidth: 0.5,
      tickSize: 3,
      labelFlush: true,
    },
    legend: { labelFontSize: s.fontPt, titleFontSize: s.fontPt + 1, titleFontWeight: 'normal', symbolSize: 30, offset: 6 },
    title: { fontSize: s.fontPt + 2, fontWeight: 'normal', anchor: 'start' },
    range: { category: [...OKABE_ITO] },
    line: { strokeWidth: 1.2 },
    point: { size: 12, filled: true },
  };
}

/** Round to `digits` significant digits so inline plot data is short and byte-stable. */
export function sig(x: number, digits = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}
