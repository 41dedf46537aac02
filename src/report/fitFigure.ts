/**
 * The model-fit figure of the report: the fit stage's own spec (src/report/fitPlot.ts: data vs
 * model along the field axis, normalised residuals below) built from fit-residuals.csv, given
 * the house size, fonts and usermeta so it sits beside the other figures.
 */
import type { FigureDef } from './figureDefs.js';
import { fitPlotSpec, type FitPlotRow } from './fitPlot.js';
import { figureConfig, figureSizeSpec, type FigureSize } from './figureStyle.js';
import type { RunFolder } from './runFolderTypes.js';
import { FIGURE_SCHEMA_VERSION, panelWidthPt, type VlSpec } from './vlSpec.js';

/** fit-residuals.csv rows as the fit plot's rows; null when the file lacks the needed columns. */
export function fitPlotRows(run: RunFolder): FitPlotRow[] | null {
  const t = run.fitResiduals;
  if (!t || t.rows.length === 0) return null;
  const col = (n: string): number => t.header.indexOf(n);
  const [ct, co, cd, cm, cn] = ['t_s', 'observable', 'data_um', 'model_um', 'normalised'].map(col);
  if ([ct, co, cd, cm, cn].some((i) => i < 0)) return null;
  const rows: FitPlotRow[] = [];
  for (const r of t.rows) {
    const obs = r[co].trim();
    if (obs !== 'front' && obs !== 'back') continue;
    const v = [r[ct], r[cd], r[cm], r[cn]].map(Number);
    if (!v.every(Number.isFinite)) continue;
    rows.push({ tS: v[0], observable: obs, dataUm: v[1], modelUm: v[2], normalised: v[3] });
  }
  return rows.length > 0 ? rows : null;
}

/** The fit figure at a journal size (null without fit-residuals.csv). */
export function fitFigureSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  const rows = fitPlotRows(run);
  if (!rows) return null;
  const s = figureSizeSpec(size);
  const chi = run.fit?.chi2Red;
  const title = `${run.fit?.model ?? 'model'} fit${chi !== null && chi !== undefined ? ` (χ²_red = ${chi.toPrecision(3)})` : ''}`;
  const spec = fitPlotSpec(rows, title) as unknown as VlSpec;
  const panels = (spec.vconcat as VlSpec[] | undefined) ?? [];
  const heights = [Math.round(s.panelHeightPt * 1.3), Math.round(s.panelHeightPt * 0.5)];
  return {
    ...spec,
    usermeta: {
      lidtrack: {
        schema_version: FIGURE_SCHEMA_VERSION,
        figure: 'fit',
        size,
        width_mm: s.widthMm,
        units: { t_s: 's', data_um: 'µm', model_um: 'µm', normalised: '1 (residual / σ_pos)' },
      },
    },
    config: figureConfig(size),
    ...(panels.length
      ? { vconcat: panels.map((p, i) => ({ ...p, width: panelWidthPt(size, true), height: heights[Math.min(i, 1)] })) }
      : { width: s.widthPt, height: s.panelHeightPt }),
  };
}

/** Figure definition appended to the built-in ones when a fit exists. */
export const FIT_FIGURE: FigureDef = {
  name: 'fit',
  title: 'Model fit',
  caption:
    'Inclusion front and back along the field axis (points) with the fitted model (lines), and the residuals divided by the position uncertainty σ_pos.',
  build: fitFigureSpec,
};
