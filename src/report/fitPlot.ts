/**
 * Model-vs-data figure of an inclusion fit: front and back positions along the field axis
 * (points) with the fitted model (lines), and the normalised residuals below. Built as a
 * vega-lite spec (deterministic, saved beside the figure), compiled with vega-lite and rendered
 * to SVG by vega's headless View.
 */
import type { TopLevelSpec } from 'vega-lite';
import { renderSvg } from './renderFigure.js';

/** One row of the plotted data (same fields as fit-residuals.csv). */
export interface FitPlotRow {
  tS: number;
  observable: 'front' | 'back';
  dataUm: number;
  modelUm: number;
  normalised: number;
}

/**
 * The vega-lite spec of the figure (data inlined; deterministic for the same input).
 * @param title figure title, e.g. "inclusion 1: Model A fit"
 */
export function fitPlotSpec(rows: FitPlotRow[], title: string): TopLevelSpec {
  const values = rows.map((r) => ({
    t_s: Number(r.tS.toPrecision(8)),
    observable: r.observable,
    data_um: Number(r.dataUm.toPrecision(7)),
    model_um: Number(r.modelUm.toPrecision(7)),
    normalised: Number(r.normalised.toPrecision(5)),
  }));
  const colour = { field: 'observable', type: 'nominal', title: 'end', scale: { domain: ['front', 'back'], range: ['#1f77b4', '#d62728'] } } as const;
  const x = { field: 't_s', type: 'quantitative', title: 't (s)' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    vconcat: [
      {
        width: 560,
        height: 280,
        layer: [
          { mark: { type: 'point', size: 10, opacity: 0.6, filled: true }, encoding: { x, y: { field: 'data_um', type: 'quantitative', title: 'position along field axis (µm, A → B)', scale: { zero: false } }, color: colour } },
          { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { field: 'model_um', type: 'quantitative' }, color: colour } },
        ],
      },
      {
        width: 560,
        height: 120,
        mark: { type: 'point', size: 8, filled: true, opacity: 0.6 },
        encoding: { x, y: { field: 'normalised', type: 'quantitative', title: 'residual / σ_pos' }, color: colour },
      },
    ],
  } as TopLevelSpec;
}

/** Compile a vega-lite spec and render it headlessly to an SVG string (renderFigure.renderSvg). */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  return renderSvg(spec);
}
