/**
 * The per-dendrite results table of the report: velocity and j_tip with their 95 % intervals,
 * as numbers (CSV, golden-tested) and as text rounded to the precision the interval supports.
 */
import type { RunFolder, TrackSummary } from './runFolderTypes.js';

/** Columns of figures/summary_table.csv (units follow from the names, see unitForColumn). */
export const SUMMARY_TABLE_COLUMNS = [
  'track_id',
  'n_points',
  't_start_s',
  't_end_s',
  'velocity_um_per_s',
  'velocity_ci95_lo_um_per_s',
  'velocity_ci95_hi_um_per_s',
  'j_tip_A_per_cm2',
  'j_tip_ci95_lo_A_per_cm2',
  'j_tip_ci95_hi_A_per_cm2',
] as const;

/** Rows (cells in {@link SUMMARY_TABLE_COLUMNS} order; '' where a value is missing), sorted by id. */
export function summaryTableRows(run: RunFolder): Array<Array<string | number>> {
  const ids = [...new Set([...run.summary.tracks.map((t) => t.id), ...run.tracks.map((p) => p.trackId)])].sort((a, b) => a - b);
  return ids.map((id) => {
    const s = run.summary.tracks.find((t) => t.id === id);
    const pts = run.tracks.filter((p) => p.trackId === id);
    const v = (x: number | null | undefined): string | number => (x === null || x === undefined ? '' : x);
    return [
      id,
      v(s?.nPoints ?? pts.length),
      v(s?.tStartS ?? (pts.length ? Math.min(...pts.map((p) => p.tS)) : null)),
      v(s?.tEndS ?? (pts.length ? Math.max(...pts.map((p) => p.tS)) : null)),
      v(s?.velocityUmPerS),
      v(s?.velocityCi95UmPerS?.[0]),
      v(s?.velocityCi95UmPerS?.[1]),
      v(s?.jTipAPerCm2),
      v(s?.jTipCi95APerCm2?.[0]),
      v(s?.jTipCi95APerCm2?.[1]),
    ];
  });
}

/**
 * Decimals that show a value to the precision of its interval: two significant digits of the
 * interval half-width (at least 0, at most 6), or 3 significant digits of the value without one.
 */
export function decimalsFor(value: number, ci: [number, number] | null): number {
  const half = ci ? Math.abs(ci[1] - ci[0]) / 2 : 0;
  if (half > 0 && Number.isFinite(half)) return Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(half))));
  if (!(Math.abs(value) > 0) || !Number.isFinite(value)) return 2;
  return Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value)))));
}

/** "8.60 [8.41, 8.79]" — value with its 95 % interval, at the interval's precision; "—" when missing. */
export function formatWithCi(value: number | null, ci: [number, number] | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const d = decimalsFor(value, ci);
  return ci ? `${value.toFixed(d)} [${ci[0].toFixed(d)}, ${ci[1].toFixed(d)}]` : value.toFixed(d);
}

/** Text cells for the HTML table of one track. */
export function summaryTextRow(t: TrackSummary): { id: string; n: string; window: string; velocity: string; jTip: string } {
  const d = t.tEndS !== null && Math.abs(t.tEndS) < 100 ? 1 : 0;
  const w = t.tStartS !== null && t.tEndS !== null ? `${t.tStartS.toFixed(d)}–${t.tEndS.toFixed(d)}` : '—';
  return {
    id: String(t.id),
    n: t.nPoints === null ? '—' : String(t.nPoints),
    window: w,
    velocity: formatWithCi(t.velocityUmPerS, t.velocityCi95UmPerS),
    jTip: formatWithCi(t.jTipAPerCm2, t.jTipCi95APerCm2),
  };
}
