/**
 * The figures lidtrack makes from a run folder, in report order. A figure is a named Vega-Lite
 * spec builder; it returns null when the run lacks its data (no inclusions, no drift, ...).
 */
import { driftSpec } from './driftSpec.js';
import { FIT_FIGURE } from './fitFigure.js';
import type { FigureSize } from './figureStyle.js';
import { inclusionAreaSpec } from './inclusionAreaSpec.js';
import { inclusionsSpec } from './inclusionsSpec.js';
import { jTipSpec } from './jTipSpec.js';
import { lengthVsTimeSpec } from './lengthVsTimeSpec.js';
import type { RunFolder } from './runFolderTypes.js';
import type { VlSpec } from './vlSpec.js';
import { windowedJTipSpec } from './windowedJTipSpec.js';

/** A figure: file stem, caption for the report, and the spec builder. */
export interface FigureDef {
  /** File stem under figures/ (e.g. "length_vs_time"). */
  name: string;
  title: string;
  caption: string;
  build(run: RunFolder, size: FigureSize): VlSpec | null;
}

/** The built-in figures in report order. */
export const FIGURE_DEFS: readonly FigureDef[] = [
  {
    name: 'length_vs_time',
    title: 'Tip length vs time',
    caption:
      'Tip length from the plating interface along the growth direction (points), fitted line over the fit window and its 95 % confidence band for the mean, per dendrite.',
    build: lengthVsTimeSpec,
  },
  {
    name: 'j_tip',
    title: 'Tip current density per dendrite',
    caption: 'Apparent tip current density j_tip = zF/V_m · dx/dt with its 95 % interval.',
    build: jTipSpec,
  },
  {
    name: 'j_tip_vs_time',
    title: 'Windowed j_tip vs time',
    caption: 'j_tip from the tip velocity in sliding windows (centre time), with the 95 % band.',
    build: windowedJTipSpec,
  },
  {
    name: 'inclusions',
    title: 'Isolated inclusions',
    caption:
      'Front, centroid and back of each electronically isolated inclusion along the field axis (µm from its first centroid, positive away from the plating electrode), above the applied current.',
    build: inclusionsSpec,
  },
  {
    name: 'inclusion_area',
    title: 'Mass conservation of isolated inclusions',
    caption: 'Li area of each isolated inclusion relative to its first measured area (1 = no Li gained or lost).',
    build: inclusionAreaSpec,
  },
  FIT_FIGURE,
  {
    name: 'drift',
    title: 'Registration drift',
    caption: 'Image drift measured against the reference frame, in pixels along the image axes.',
    build: driftSpec,
  },
];
