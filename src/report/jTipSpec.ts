import { jTipAPerCm2FromVelocityUmPerS } from '../core/units.js';
import type { FigureSize } from './figureStyle.js';
import { sig } from './figureStyle.js';
import { niceTicks } from './niceTicks.js';
import type { RunFolder } from './runFolderTypes.js';
import { idColor, topLevelSpec, type VlSpec } from './vlSpec.js';

/**
 * j_tip per dendrite with its 95 % interval, and the tip velocity on a right axis: both
 * scales start at zero and their tops are in the ratio zF/V_m, so one mark reads on either axis.
 * Null when no track has a j_tip.
 */
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
  // Common zero-based domain; the velocity axis is the same scale divided by zF/V_m.
  const top = Math.max(...rows.map((r) => Math.max(r.j_tip_A_per_cm2, r.hi_A_per_cm2 ?? -Infinity)), 0);
  const lo = Math.min(...rows.map((r) => Math.min(r.j_tip_A_per_cm2, r.lo_A_per_cm2 ?? Infinity)), 0);
  const span = top - lo || 1;
  const ticks = niceTicks(lo, top + 0.05 * span, 5);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : span;
  const jDomain = [sig(Math.floor(lo / step) * step), sig(Math.ceil((top + 0.05 * span) / step) * step)];
  const aPerCm2PerUmPerS = jTipAPerCm2FromVelocityUmPerS(1);
  const vDomain = jDomain.map((j) => sig(j / aPerCm2PerUmPerS));
  const domain = rows.map((r) => r.dendrite);
  const x = { field: 'dendrite', type: 'nominal', title: 'Dendrite', sort: domain, axis: { labelAngle: 0, grid: false } };
  const color = { ...idColor('dendrite', 'Dendrite', domain), legend: null };
  const jScale = { domain: jDomain, nice: false, zero: false };
  const y = { field: 'j_tip_A_per_cm2', type: 'quantitative', title: 'j_tip (A/cm²)', scale: jScale };
  const layers: VlSpec[] = [];
  if (rows.some((r) => 'lo_A_per_cm2' in r)) {
    layers.push({
      transform: [{ filter: 'isValid(datum.lo_A_per_cm2)' }],
      mark: { type: 'rule', strokeWidth: 1.2 },
      encoding: { x, y: { field: 'lo_A_per_cm2', type: 'quantitative', title: 'j_tip (A/cm²)', scale: jScale }, y2: { field: 'hi_A_per_cm2' }, color },
    });
  }
  layers.push({ mark: { type: 'point', filled: true, size: 20 }, encoding: { x, y, color } });
  // Right axis: an invisible copy of the points in velocity units carries it; the j layers
  // share one scale, the velocity layer has its own (same zero, tops in the ratio zF/V_m).
  const velocityAxis: VlSpec = {
    transform: [{ calculate: `datum.j_tip_A_per_cm2 / ${aPerCm2PerUmPerS}`, as: 'velocity_um_per_s' }],
    mark: { type: 'point', opacity: 0 },
    encoding: {
      x,
      y: { field: 'velocity_um_per_s', type: 'quantitative', title: 'Tip velocity (µm/s)', scale: { domain: vDomain, nice: false, zero: false }, axis: { orient: 'right', grid: false, tickCount: 6 } },
    },
  };
  return topLevelSpec(
    'j_tip',
    size,
    { j_tip_A_per_cm2: 'A/cm²', lo_A_per_cm2: 'A/cm²', hi_A_per_cm2: 'A/cm²', velocity_um_per_s: 'µm/s' },
    { data: { values: rows }, layer: [{ layer: layers }, velocityAxis], resolve: { scale: { y: 'independent' } } },
  );
}
