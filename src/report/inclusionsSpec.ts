import { figureSizeSpec, sig, type FigureSize } from './figureStyle.js';
import { decimate, stepChanges } from './decimate.js';
import { awayFromPlatingEdge, runPlatingEdge } from './runCalibration.js';
import type { CurrentPoint, InclusionPoint, RunFolder } from './runFolderTypes.js';
import { panelWidthPt, topLevelSpec, type VlSpec } from './vlSpec.js';

const END_DOMAIN = ['front', 'centroid', 'back'];
const END_COLORS = ['#D55E00', '#000000', '#0072B2'];

/**
 * Unit vector of the field axis for one inclusion: away from the plating edge when the run
 * records it, else along the mean back→front direction (front is by definition the end
 * farther from the plating edge, SPEC.md).
 */
function fieldAxis(points: InclusionPoint[], edge: ReturnType<typeof runPlatingEdge>): [number, number] {
  if (edge) return awayFromPlatingEdge(edge);
  let ux = 0;
  let uy = 0;
  for (const p of points) {
    const dx = p.frontXUm - p.backXUm;
    const dy = p.frontYUm - p.backYUm;
    const n = Math.hypot(dx, dy);
    if (n > 0) {
      ux += dx / n;
      uy += dy / n;
    }
  }
  const n = Math.hypot(ux, uy);
  return n > 0 ? [ux / n, uy / n] : [1, 0];
}

/** Current samples inside [t0, t1], with the value holding at t0 added (potentiostats hold between samples). */
function currentInWindow(current: CurrentPoint[], t0: number, t1: number): CurrentPoint[] {
  const sorted = [...current].sort((a, b) => a.tS - b.tS);
  const inside = sorted.filter((c) => c.tS >= t0 && c.tS <= t1);
  const before = sorted.filter((c) => c.tS < t0).pop();
  return before ? [{ ...before, tS: t0 }, ...inside] : inside;
}

/**
 * Inclusion front, back and centroid displacement along the field axis vs time (µm from the
 * first centroid, positive away from the plating electrode), stacked above the applied current
 * when current.csv exists. Null when inclusions.csv is absent or empty.
 */
export function inclusionsSpec(run: RunFolder, size: FigureSize): VlSpec | null {
  if (!run.inclusions || run.inclusions.length === 0) return null;
  const edge = runPlatingEdge(run);
  const ids = [...new Set(run.inclusions.map((p) => p.inclusionId))].sort((a, b) => a - b);
  const rows: VlSpec[] = [];
  for (const id of ids) {
    const pts = run.inclusions.filter((p) => p.inclusionId === id).sort((a, b) => a.tS - b.tS);
    const [ux, uy] = fieldAxis(pts, edge);
    const ox = pts[0].centroidXUm;
    const oy = pts[0].centroidYUm;
    const proj = (x: number, y: number): number => sig((x - ox) * ux + (y - oy) * uy);
    for (const p of decimate(pts)) {
      rows.push({ inclusion: String(id), end: 'front', t_s: sig(p.tS), position_um: proj(p.frontXUm, p.frontYUm) });
      rows.push({ inclusion: String(id), end: 'centroid', t_s: sig(p.tS), position_um: proj(p.centroidXUm, p.centroidYUm) });
      rows.push({ inclusion: String(id), end: 'back', t_s: sig(p.tS), position_um: proj(p.backXUm, p.backYUm) });
    }
  }
  const t0 = Math.min(...run.inclusions.map((p) => p.tS));
  const t1 = Math.max(...run.inclusions.map((p) => p.tS));
  const x = { field: 't_s', type: 'quantitative', title: 'Time (s)', scale: { domain: [sig(t0), sig(t1)], nice: false } };
  const s = figureSizeSpec(size);
  const cur = run.current ? currentInWindow(run.current, t0, t1) : [];
  const positions: VlSpec = {
    width: panelWidthPt(size, true),
    height: Math.round(s.panelHeightPt * 0.9),
    data: { values: rows },
    mark: { type: 'line', point: { filled: true, size: 8 } },
    encoding: {
      x: cur.length > 0 ? { ...x, axis: { title: null, labels: false } } : x,
      y: { field: 'position_um', type: 'quantitative', title: 'Displacement (µm)' },
      color: { field: 'end', type: 'nominal', title: 'Inclusion end', scale: { domain: END_DOMAIN, range: END_COLORS }, sort: END_DOMAIN },
      ...(ids.length > 1 ? { strokeDash: { field: 'inclusion', type: 'nominal', title: 'Inclusion', sort: ids.map(String) } } : {}),
      detail: { field: 'inclusion' },
    },
  };
  const units = { t_s: 's', position_um: 'µm', current_mA: 'mA' };
  if (cur.length === 0) {
    const { width: _w, height: _h, ...single } = positions;
    void _w;
    void _h;
    return topLevelSpec('inclusions', size, units, single);
  }
  const current: VlSpec = {
    width: panelWidthPt(size, true),
    height: Math.round(s.panelHeightPt * 0.42),
    layer: [
      { mark: { type: 'rule', color: '#999999', strokeWidth: 0.5 }, data: { values: [{ zero: 0 }] }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
      {
        data: { values: stepChanges(cur, (c) => c.currentMA).map((c) => ({ t_s: sig(c.tS), current_mA: sig(c.currentMA) })) },
        mark: { type: 'line', interpolate: 'step-after', color: '#000000' },
        encoding: { x, y: { field: 'current_mA', type: 'quantitative', title: 'Current (mA)' } },
      },
    ],
  };
  return topLevelSpec('inclusions', size, units, { vconcat: [positions, current], spacing: 6, resolve: { scale: { x: 'shared' } } }, { panels: 2 });
}
