import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import { decimate } from './decimate.js';
import type { RunFolder } from './runFolderTypes.js';
import { topLevelSpec, type VlSpec } from './vlSpec.js';

/**
 * Mass conservation of each isolated inclusion: its Li area relative to its first measured area
 * vs time (a migrating inclusion that neither gains nor loses Li stays at 1). Null without
 * inclusions.
 */
export function inclusionAreaSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  if (!run.inclusions || run.inclusions.length === 0) return null;
  const byId = new Map<number, typeof run.inclusions>();
  for (const p of run.inclusions) {
    if (!byId.has(p.inclusionId)) byId.set(p.inclusionId, []);
    byId.get(p.inclusionId)!.push(p);
  }
  const rows: Array<Record<string, unknown>> = [];
  for (const [id, ps] of [...byId.entries()].sort((a, b) => a[0] - b[0])) {
    const sorted = [...ps].sort((a, b) => a.tS - b.tS);
    const a0 = sorted[0].areaUm2;
    if (!(a0 > 0)) continue;
    for (const p of decimate(sorted)) rows.push({ inclusion: String(id), t_s: sig(p.tS), area_rel: sig(p.areaUm2 / a0) });
  }
  if (!rows.length) return null;
  return topLevelSpec(
    'inclusion_area',
    size,
    { t_s: 's', area_rel: '1' },
    {
      data: { values: rows },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#999999' }, encoding: { y: { datum: 1 } } },
        {
          mark: { type: 'line', point: { size: 12 } },
          encoding: {
            x: { field: 't_s', type: 'quantitative', title: 'Time (s)' },
            y: { field: 'area_rel', type: 'quantitative', title: 'Li area / initial area', scale: { zero: false } },
            color: { field: 'inclusion', type: 'nominal', title: 'Inclusion', legend: { orient: 'top', direction: 'horizontal', titleOrient: 'left' } },
          },
        },
      ],
    },
  );
}
