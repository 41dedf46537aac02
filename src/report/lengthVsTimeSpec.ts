import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import { decimate } from './decimate.js';
import { regressionBand } from './regressionBand.js';
import type { RunFolder } from './runFolderTypes.js';
import { idColor, topLevelSpec, type VlSpec } from './vlSpec.js';

/**
 * Tip length vs time per dendrite: measured points, the fitted line over the fit window and
 * its 95 % confidence band (see {@link regressionBand}). Null when tracks.csv has no rows.
 */
export function lengthVsTimeSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  if (run.tracks.length === 0) return null;
  const ids = [...new Set(run.tracks.map((p) => p.trackId))].sort((a, b) => a - b);
  const domain = ids.map(String);
  const points = ids.flatMap((id) =>
    decimate(run.tracks.filter((p) => p.trackId === id).sort((a, b) => a.tS - b.tS)).map((p) => ({
      dendrite: String(p.trackId),
      t_s: sig(p.tS),
      length_um: sig(p.lengthUm),
    })),
  );
  const line: VlSpec[] = [];
  for (const id of ids) {
    const s = run.summary.tracks.find((t) => t.id === id);
    if (!s) continue;
    for (const b of regressionBand(run.tracks.filter((p) => p.trackId === id), s)) {
      line.push({
        dendrite: String(id),
        t_s: sig(b.tS),
        fit_um: sig(b.fitUm),
        ...(b.loUm !== null && b.hiUm !== null ? { lo_um: sig(b.loUm), hi_um: sig(b.hiUm) } : {}),
      });
    }
  }
  const color = idColor('dendrite', 'Dendrite', domain);
  const x = { field: 't_s', type: 'quantitative', title: 'Time (s)' };
  const layers: VlSpec[] = [];
  if (line.some((r) => 'lo_um' in r)) {
    layers.push({
      data: { values: line.filter((r) => 'lo_um' in r) },
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { field: 'lo_um', type: 'quantitative' }, y2: { field: 'hi_um' }, color: { ...color, legend: null } },
    });
  }
  if (line.length > 0) {
    layers.push({
      data: { values: line },
      mark: { type: 'line' },
      encoding: { x, y: { field: 'fit_um', type: 'quantitative' }, color: { ...color, legend: null }, detail: { field: 'dendrite' } },
    });
  }
  layers.push({
    data: { values: points },
    mark: { type: 'point', filled: true },
    encoding: {
      x,
      y: { field: 'length_um', type: 'quantitative', title: 'Tip length (µm)' },
      color,
    },
  });
  return topLevelSpec('length_vs_time', size, { t_s: 's', length_um: 'µm', fit_um: 'µm', lo_um: 'µm', hi_um: 'µm' }, { layer: layers, resolve: { legend: { color: 'independent' } } });
}
