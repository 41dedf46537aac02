import { jTipAPerCm2FromVelocityUmPerS } from '../core/units.js';
import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import type { RunFolder } from './runFolderTypes.js';
import { idColor, topLevelSpec, type VlSpec } from './vlSpec.js';

/**
 * Windowed j_tip vs time per dendrite with its 95 % band, from summary.json `rates`. When a
 * rate gives only a velocity interval it is converted with j = zF/V_m · v (linear, so the
 * interval maps end to end). Null when no track has rates.
 */
export function windowedJTipSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  const rows: VlSpec[] = [];
  for (const t of [...run.summary.tracks].sort((a, b) => a.id - b.id)) {
    for (const r of [...t.rates].sort((a, b) => a.tS - b.tS)) {
      const j = Number.isFinite(r.jTipAPerCm2) ? r.jTipAPerCm2 : jTipAPerCm2FromVelocityUmPerS(r.velocityUmPerS);
      const ci =
        r.jTipCi95APerCm2 ??
        (r.velocityCi95UmPerS
          ? ([jTipAPerCm2FromVelocityUmPerS(r.velocityCi95UmPerS[0]), jTipAPerCm2FromVelocityUmPerS(r.velocityCi95UmPerS[1])] as [number, number])
          : null);
      rows.push({
        dendrite: String(t.id),
        t_s: sig(r.tS),
        j_tip_A_per_cm2: sig(j),
        ...(ci ? { lo_A_per_cm2: sig(ci[0]), hi_A_per_cm2: sig(ci[1]) } : {}),
      });
    }
  }
  if (rows.length === 0) return null;
  const domain = [...new Set(rows.map((r) => r.dendrite as string))];
  const color = idColor('dendrite', 'Dendrite', domain);
  const x = { field: 't_s', type: 'quantitative', title: 'Time (s)' };
  const layers: VlSpec[] = [];
  if (rows.some((r) => 'lo_A_per_cm2' in r)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo_A_per_cm2)' }],
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { field: 'lo_A_per_cm2', type: 'quantitative' }, y2: { field: 'hi_A_per_cm2' }, color: { ...color, legend: null } },
    });
  }
  layers.push({
    mark: { type: 'line', point: { filled: true, size: 10 } },
    encoding: { x, y: { field: 'j_tip_A_per_cm2', type: 'quantitative', title: 'Windowed j_tip (A/cm²)' }, color },
  });
  return topLevelSpec(
    'j_tip_vs_time',
    size,
    { t_s: 's', j_tip_A_per_cm2: 'A/cm²', lo_A_per_cm2: 'A/cm²', hi_A_per_cm2: 'A/cm²' },
    { data: { values: rows }, layer: layers, resolve: { legend: { color: 'independent' } } },
  );
}
