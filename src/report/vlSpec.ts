/**
 * Common frame of every lidtrack Vega-Lite spec: schema, size in points, house config and a
 * `usermeta.lidtrack` block (schema_version, figure name, size, units of every field), so a
 * spec saved beside its images is self-describing and can be restyled in the Vega editor.
 */
import { figureConfig, figureSizeSpec, trackColor, type FigureSize } from './figureStyle.js';

/** A Vega-Lite top-level spec as plain JSON (typed loosely: specs are data, validated by compile). */
export type VlSpec = Record<string, unknown>;

/** Version of the `usermeta.lidtrack` block and of the figure data layout. */
export const FIGURE_SCHEMA_VERSION = 1;

/**
 * Wrap a view (single, layered or concatenated) into a top-level spec.
 * @param name figure file stem
 * @param size journal size
 * @param units unit of every data field used in the spec (e.g. `{t_s: 's'}`)
 * @param view the Vega-Lite view without size or config
 * @param opts.panels vertically stacked panels (concatenation: autosize `fit` is not available,
 *   panel widths are set to leave room for the axes and the PNG is scaled to the exact width)
 */
export function topLevelSpec(
  name: string,
  size: FigureSize,
  units: Record<string, string>,
  view: VlSpec,
  opts: { panels?: number; heightPt?: number } = {},
): VlSpec {
  const s = figureSizeSpec(size);
  const meta = {
    lidtrack: { schema_version: FIGURE_SCHEMA_VERSION, figure: name, size, width_mm: s.widthMm, units },
  };
  const head = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', usermeta: meta };
  if (opts.panels && opts.panels > 1) {
    return { ...head, config: figureConfig(size), ...view };
  }
  return {
    ...head,
    width: s.widthPt,
    height: opts.heightPt ?? s.panelHeightPt,
    autosize: { type: 'fit', contains: 'padding' },
    config: figureConfig(size),
    ...view,
  };
}

/** Inner width [pt] for a panel of a concatenated figure (leaves room for axis and legend). */
export function panelWidthPt(size: FigureSize, legend: boolean): number {
  const s = figureSizeSpec(size);
  return Math.round(s.widthPt - 48 - (legend ? 62 : 0));
}

/** Colour encoding of track ids (as strings) with a fixed domain and each id's {@link trackColor}. */
export function idColor(field: string, title: string, domain: string[]): VlSpec {
  return {
    field,
    type: 'nominal',
    title,
    scale: { domain, range: domain.map((d) => trackColor(Number(d))) },
    sort: domain,
    legend: { orient: 'top', direction: 'horizontal', titleOrient: 'left', symbolOpacity: 1 },
  };
}
