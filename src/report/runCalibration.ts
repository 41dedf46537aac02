/**
 * Calibration facts of a run folder that report needs but no single file is guaranteed to
 * carry: µm/px and the plating edge are looked up in summary.json's `calibration`, then in
 * manifest.json (resolved configuration), then derived from the data.
 */
import { PLATING_EDGES, type PlatingEdge } from '../core/types.js';
import type { RunFolder } from './runFolderTypes.js';

/** Depth-first search for the first value under any of `keys` that `accept` takes. */
function findKey<T>(obj: unknown, keys: string[], accept: (v: unknown) => v is T, depth = 0): T | null {
  if (obj === null || typeof obj !== 'object' || depth > 6) return null;
  const rec = obj as Record<string, unknown>;
  for (const k of keys) if (k in rec && accept(rec[k])) return rec[k] as T;
  for (const v of Object.values(rec)) {
    const r = findKey(v, keys, accept, depth + 1);
    if (r !== null) return r;
  }
  return null;
}

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isEdge = (v: unknown): v is PlatingEdge => typeof v === 'string' && (PLATING_EDGES as readonly string[]).includes(v);

/** Micrometres per pixel: calibration/manifest, else the ratio tip_x_um / tip_x_px in tracks.csv; null if unknown. */
export function runUmPerPx(run: RunFolder): number | null {
  const keys = ['umPerPx', 'um_per_px'];
  const found = findKey(run.summary.calibration, keys, isPositive) ?? findKey(run.manifest, keys, isPositive);
  if (found !== null) return found;
  const p = run.tracks.find((q) => Math.abs(q.tipXPx) > 1);
  return p && isPositive(p.tipXUm / p.tipXPx) ? p.tipXUm / p.tipXPx : null;
}

/** Plating edge from calibration or manifest; null if neither records it. */
export function runPlatingEdge(run: RunFolder): PlatingEdge | null {
  const keys = ['platingEdge', 'plating_edge'];
  return findKey(run.summary.calibration, keys, isEdge) ?? findKey(run.manifest, keys, isEdge);
}

/** Unit vector in image coordinates (x right, y down) pointing away from the plating edge. */
export function awayFromPlatingEdge(edge: PlatingEdge): [number, number] {
  switch (edge) {
    case 'left':
      return [1, 0];
    case 'right':
      return [-1, 0];
    case 'top':
      return [0, 1];
    case 'bottom':
      return [0, -1];
  }
}
