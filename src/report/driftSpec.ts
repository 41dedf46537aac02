import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import { decimate } from './decimate.js';
import type { RunFolder } from './runFolderTypes.js';
import { topLevelSpec, type VlSpec } from './vlSpec.js';

/** Registration drift (dx, dy in px, image axes) vs time. Null when drift.csv is absent or empty. */
export function driftSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  if (!run.drift || run.drift.length === 0) return null;
  const pts = decimate([...run.drift].sort((a, b) => a.tS - b.tS));
  const rows = [
    ...pts.map((d) => ({ component: 'dx (x, right)', t_s: sig(d.tS), drift_px: sig(d.dxPx) })),
    ...pts.map((d) => ({ component: 'dy (y, down)', t_s: sig(d.tS), drift_px: sig(d.dyPx) })),
  ];
  return topLevelSpec(
    'drift',
    size,
    { t_s: 's', drift_px: 'px' },
    {
      data: { values: rows },
      mark: { type: 'line' },
      encoding: {
        x: { field: 't_s', type: 'quantitative', title: 'Time (s)' },
        y: { field: 'drift_px', type: 'quantitative', title: 'Drift (px)' },
        color: {
          field: 'component',
          type: 'nominal',
          title: 'Component',
          sort: ['dx (x, right)', 'dy (y, down)'],
          legend: { orient: 'top', direction: 'horizontal', titleOrient: 'left' },
        },
      },
    },
  );
}
