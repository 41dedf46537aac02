import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import type { RunFolder } from './runFolderTypes.js';
import { idColor, topLevelSpec, type VlSpec } from './vlSpec.js';

/** j_tip per dendrite with its 95 % interval. Null when no track has a j_tip. */
export function jTipSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  const rows = [...run.summary.tracks]
    .filter((t) => t.jTipAPerCm2 !== null)
    .sort((a, b) => a.id - b.id)
    .map((t) => ({
      dendrite: String(t.id),
      j_tip_A_per_cm2: sig(t.jTipAPerCm2 as number),
      ...(t.jTipCi95APerCm2 ? { lo_A_per_cm2: sig(t.jTipCi95APerCm2[0]), hi_A_per_cm2: sig(t.jTipCi95APerCm2[1]) } : {}),
    }));
  if (rows.length === 0) return null;
  const domain = rows.map((r) => r.dendrite);
  const x = { field: 'dendrite', type: 'nominal', title: 'Dendrite', sort: domain, axis: { labelAngle: 0, grid: false } };
  const color = { ...idColor('dendrite', 'Dendrite', domain), legend: null };
  const y = { field: 'j_tip_A_per_cm2', type: 'quantitative', title: 'j_tip (A/cm²)', scale: { zero: true } };
  const layers: VlSpec[] = [];
  if (rows.some((r) => 'lo_A_per_cm2' in r)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo_A_per_cm2)' }],
      mark: { type: 'rule', strokeWidth: 1.2 },
      encoding: { x, y: { field: 'lo_A_per_cm2', type: 'quantitative', title: 'j_tip (A/cm²)' }, y2: { field: 'hi_A_per_cm2' }, color },
    });
  }
  layers.push({ mark: { type: 'point', filled: true, size: 20 }, encoding: { x, y, color } });
  return topLevelSpec(
    'j_tip',
    size,
    { j_tip_A_per_cm2: 'A/cm²', lo_A_per_cm2: 'A/cm²', hi_A_per_cm2: 'A/cm²' },
    { data: { values: rows }, layer: layers },
  );
}
