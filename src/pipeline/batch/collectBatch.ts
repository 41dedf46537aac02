/**
 * Merge the results of a batch into combined tables in the batch folder:
 *   all_tracks.csv      recording + the columns of every tracks.csv (union, in order of appearance)
 *   all_summary.csv     recording, track_id, velocity and j_tip with their 95 % CIs, t range, points
 *   all_inclusions.csv  recording + inclusions.csv columns (only if a recording has inclusions)
 *   all_branches.csv    recording + branches.csv columns (only if a recording has side branches)
 *   batch_status.csv    one row per manifest row: recording, path, status, tracks, out
 * Recordings whose results are not complete are listed in batch_status.csv, not merged.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCsvAtomic } from '../../report/atomic.js';
import { splitCsvLine, type BatchManifest } from './batchManifest.js';
import { resultStatus } from './runBatch.js';

export interface CollectResult {
  /** Files written (absolute). */
  files: string[];
  /** Recordings merged (status complete). */
  merged: string[];
  /** Recordings without complete results, with their status. */
  missing: Array<{ recording: string; status: string }>;
  /** Dendrite tracks in all_summary.csv. */
  nTracks: number;
}

interface Table { header: string[]; rows: string[][] }

function readCsv(path: string): Table {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) return { header: [], rows: [] };
  return { header: splitCsvLine(lines[0]), rows: lines.slice(1).map(splitCsvLine) };
}

/** Concatenate tables with a leading recording column; columns = union in order of appearance. */
function concatTables(parts: Array<{ recording: string; table: Table }>): { header: string[]; rows: string[][] } {
  const cols: string[] = [];
  for (const p of parts) for (const h of p.table.header) if (!cols.includes(h)) cols.push(h);
  const rows: string[][] = [];
  for (const p of parts) {
    const ix = cols.map((c) => p.table.header.indexOf(c));
    for (const r of p.table.rows) rows.push([p.recording, ...ix.map((i) => (i >= 0 ? r[i] ?? '' : ''))]);
  }
  return { header: ['recording', ...cols], rows };
}

interface SummaryTrack {
  id: number; velocity_um_per_s: number; velocity_ci95_um_per_s: [number, number];
  j_tip_A_per_cm2: number; j_tip_ci95_A_per_cm2: [number, number]; t_start_s: number; t_end_s: number; n_points: number;
}

export const SUMMARY_COLUMNS = [
  'recording', 'track_id', 'velocity_um_per_s', 'velocity_ci95_lo_um_per_s', 'velocity_ci95_hi_um_per_s',
  'j_tip_A_per_cm2', 'j_tip_ci95_lo_A_per_cm2', 'j_tip_ci95_hi_A_per_cm2', 't_start_s', 't_end_s', 'n_points',
];

/** Write the combined tables of a batch into `m.outDir`. */
export function collectBatch(m: BatchManifest): CollectResult {
  const tracks: Array<{ recording: string; table: Table }> = [];
  const incl: Array<{ recording: string; table: Table }> = [];
  const branches: Array<{ recording: string; table: Table }> = [];
  const summary: Array<Array<string | number>> = [];
  const status: Array<Array<string | number>> = [];
  const merged: string[] = [];
  const missing: CollectResult['missing'] = [];
  for (const e of m.entries) {
    const st = resultStatus(e.out);
    let n = 0;
    if (st === 'complete') {
      merged.push(e.recording);
      if (existsSync(join(e.out, 'tracks.csv'))) tracks.push({ recording: e.recording, table: readCsv(join(e.out, 'tracks.csv')) });
      if (existsSync(join(e.out, 'inclusions.csv'))) incl.push({ recording: e.recording, table: readCsv(join(e.out, 'inclusions.csv')) });
      if (existsSync(join(e.out, 'branches.csv'))) branches.push({ recording: e.recording, table: readCsv(join(e.out, 'branches.csv')) });
      const s = JSON.parse(readFileSync(join(e.out, 'summary.json'), 'utf8')) as { tracks?: SummaryTrack[] };
      for (const t of s.tracks ?? []) {
        n++;
        summary.push([e.recording, t.id, t.velocity_um_per_s, t.velocity_ci95_um_per_s[0], t.velocity_ci95_um_per_s[1],
          t.j_tip_A_per_cm2, t.j_tip_ci95_A_per_cm2[0], t.j_tip_ci95_A_per_cm2[1], t.t_start_s, t.t_end_s, t.n_points]);
      }
    } else missing.push({ recording: e.recording, status: st });
    status.push([e.index, e.recording, e.path, st, st === 'complete' ? n : '', e.out]);
  }
  const files: string[] = [];
  const t = concatTables(tracks);
  const tracksHeader = t.header.length > 1 ? t.header : ['recording', 'track_id', 'frame', 't_s', 'tip_x_px', 'tip_y_px', 'tip_x_um', 'tip_y_um', 'length_um'];
  writeCsvAtomic(join(m.outDir, 'all_tracks.csv'), tracksHeader, t.rows);
  files.push(join(m.outDir, 'all_tracks.csv'));
  writeCsvAtomic(join(m.outDir, 'all_summary.csv'), SUMMARY_COLUMNS, summary);
  files.push(join(m.outDir, 'all_summary.csv'));
  if (incl.some((p) => p.table.rows.length)) {
    const i = concatTables(incl);
    writeCsvAtomic(join(m.outDir, 'all_inclusions.csv'), i.header, i.rows);
    files.push(join(m.outDir, 'all_inclusions.csv'));
  }
  if (branches.some((p) => p.table.rows.length)) {
    const b = concatTables(branches);
    writeCsvAtomic(join(m.outDir, 'all_branches.csv'), b.header, b.rows);
    files.push(join(m.outDir, 'all_branches.csv'));
  }
  writeCsvAtomic(join(m.outDir, 'batch_status.csv'), ['index', 'recording', 'path', 'status', 'n_tracks', 'out'], status);
  files.push(join(m.outDir, 'batch_status.csv'));
  return { files, merged, missing, nTracks: summary.length };
}
