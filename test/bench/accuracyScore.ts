/**
 * Scoring of the accuracy benchmark against a scenario's truth (shared by test/bench/accuracy.ts
 * and the CI subset test/pipeline/accuracySubset.test.ts, so both apply the same targets).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jTipAPerCm2FromVelocityUmPerS } from '../../src/core/units.js';
import type { TrackResult } from '../../src/pipeline/runTrack.js';
import type { AccuracyScenario } from './scenarios/accuracyScenarios.js';

export const TARGETS = { clean: { rmsePx: 0.5, vRel: 0.01, jRel: 0.01 }, hard: { rmsePx: 1.5, vRel: 0.03, jRel: 0.03 } };
/** Match gate: mean tip distance to a true dendrite [px]. */
const MATCH_PX = 5;
/** Frames where the true length is below this are not counted in the coverage [px]. */
const COVERAGE_MIN_LENGTH_PX = 16;

export interface TruthTip { frame: number; x: number; y: number; lengthPx: number; dx: number; dy: number }
export interface Truth { tracks: Map<number, Map<number, TruthTip>>; velocity: Map<number, number>; umPerPx: number; drift0: [number, number] }

export function readTruth(dir: string): Truth {
  const t = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as {
    calibration: { um_per_px: number };
    frames: Array<{ frame: number; drift_x_px: number; drift_y_px: number; dendrites: Array<{ id: number; present: boolean; tip_in_frame: boolean; tip_x_px: number; tip_y_px: number; length_um: number; velocity_um_per_s: number }> }>;
  };
  const tracks = new Map<number, Map<number, TruthTip>>();
  const velocity = new Map<number, number>();
  for (const f of t.frames) {
    for (const d of f.dendrites) {
      if (!d.present || !d.tip_in_frame) continue;
      if (!tracks.has(d.id)) tracks.set(d.id, new Map());
      tracks.get(d.id)!.set(f.frame, { frame: f.frame, x: d.tip_x_px, y: d.tip_y_px, lengthPx: d.length_um / t.calibration.um_per_px, dx: f.drift_x_px, dy: f.drift_y_px });
      velocity.set(d.id, d.velocity_um_per_s);
    }
  }
  const f0 = t.frames[0];
  return { tracks, velocity, umPerPx: t.calibration.um_per_px, drift0: [f0.drift_x_px, f0.drift_y_px] };
}

export interface ScenarioScore {
  name: string;
  kind: 'clean' | 'hard';
  nTruth: number;
  found: number;
  coverage: number;
  rmsePx: number;
  /** RMSE against drift-registered truth (position − (drift_t − drift_0)) — diagnostic. */
  rmseRegPx: number;
  /** RMSE of the smoothed positions (tracks.csv tip_x_smooth_px, tip_y_smooth_px) — reported beside, not the target. */
  rmseSmoothPx: number;
  vRelMax: number;
  jRelMax: number;
  spurious: number;
  pass: boolean;
  trackS: number;
}

export function score(sc: AccuracyScenario, r: TrackResult, truth: Truth, trackS: number): ScenarioScore {
  type Cand = { mine: number; truthId: number; rmse: number; rmseReg: number; n: number; s2: number; s2Reg: number; s2Sm: number };
  const cands: Cand[] = [];
  for (const t of r.tracks) {
    let best: Cand | null = null;
    for (const [tid, tt] of truth.tracks) {
      let s = 0, s2 = 0, s2Reg = 0, s2Sm = 0, n = 0;
      for (const row of t.rows) {
        const p = tt.get(row.frame);
        if (!p) continue;
        const d2 = (row.tipXPx - p.x) ** 2 + (row.tipYPx - p.y) ** 2;
        const d2r = (row.tipXPx - (p.x - p.dx + truth.drift0[0])) ** 2 + (row.tipYPx - (p.y - p.dy + truth.drift0[1])) ** 2;
        s += Math.sqrt(Math.min(d2, d2r));
        s2 += d2;
        s2Reg += d2r;
        s2Sm += ((row.smoothXPx ?? row.tipXPx) - p.x) ** 2 + ((row.smoothYPx ?? row.tipYPx) - p.y) ** 2;
        n++;
      }
      if (!n) continue;
      const mean = s / n;
      if (mean <= MATCH_PX && (!best || mean < best.rmse)) best = { mine: t.id, truthId: tid, rmse: mean, rmseReg: 0, n, s2, s2Reg, s2Sm };
    }
    if (best) cands.push(best);
  }
  // One track per true dendrite: the one with the most common frames, then the closest.
  const chosen = new Map<number, Cand>();
  for (const c of cands) {
    const o = chosen.get(c.truthId);
    if (!o || c.n > o.n || (c.n === o.n && c.rmse < o.rmse)) chosen.set(c.truthId, c);
  }
  const spurious = r.tracks.length - chosen.size;
  let s2 = 0, s2Reg = 0, s2Sm = 0, n = 0, covNum = 0, covDen = 0, vRelMax = 0, jRelMax = 0;
  for (const [tid, tt] of truth.tracks) {
    const c = chosen.get(tid);
    const frames = new Set(c ? r.tracks.find((t) => t.id === c.mine)!.rows.map((x) => x.frame) : []);
    for (const p of tt.values()) if (p.lengthPx >= COVERAGE_MIN_LENGTH_PX) { covDen++; if (frames.has(p.frame)) covNum++; }
    if (!c) { vRelMax = Infinity; jRelMax = Infinity; continue; }
    s2 += c.s2; s2Reg += c.s2Reg; s2Sm += c.s2Sm; n += c.n;
    const k = r.tracks.find((t) => t.id === c.mine)!.kinematics;
    const vt = truth.velocity.get(tid)!;
    vRelMax = Math.max(vRelMax, Math.abs(k.velocityUmPerS / vt - 1));
    jRelMax = Math.max(jRelMax, Math.abs(k.jTipAPerCm2 / jTipAPerCm2FromVelocityUmPerS(vt) - 1));
  }
  const rmsePx = n ? Math.sqrt(s2 / n) : NaN;
  const tg = TARGETS[sc.kind];
  const pass = chosen.size === truth.tracks.size && rmsePx <= tg.rmsePx && vRelMax <= tg.vRel && jRelMax <= tg.jRel && spurious === 0;
  return {
    name: sc.name, kind: sc.kind, nTruth: truth.tracks.size, found: chosen.size, coverage: covDen ? covNum / covDen : NaN,
    rmsePx, rmseRegPx: n ? Math.sqrt(s2Reg / n) : NaN, rmseSmoothPx: n ? Math.sqrt(s2Sm / n) : NaN, vRelMax, jRelMax, spurious, pass, trackS,
  };
}


/** Branch tips (branches.csv) against truth.json's branches: matched by mean distance ≤ 5 px over common frames. */
export interface BranchScore {
  nTruth: number;
  found: number;
  /** Over the matched branches' frames [px]. */
  rmsePx: number;
  /** Largest relative growth-rate error of a matched branch. */
  vRelMax: number;
  spurious: number;
}

export function scoreBranches(r: TrackResult, dir: string): BranchScore {
  const t = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as {
    frames: Array<{ frame: number; dendrites: Array<{ id: number; branches?: Array<{ index: number; present: boolean; tip_in_frame: boolean; tip_x_px: number; tip_y_px: number; velocity_um_per_s: number }> }> }>;
  };
  const truth = new Map<string, { tips: Map<number, { x: number; y: number }>; v: number }>();
  for (const f of t.frames) {
    for (const d of f.dendrites) {
      for (const b of d.branches ?? []) {
        if (!b.present || !b.tip_in_frame) continue;
        const k = `${d.id}.${b.index}`;
        if (!truth.has(k)) truth.set(k, { tips: new Map(), v: b.velocity_um_per_s });
        truth.get(k)!.tips.set(f.frame, { x: b.tip_x_px, y: b.tip_y_px });
      }
    }
  }
  const used = new Set<string>();
  let s2 = 0, n = 0, vRelMax = 0, spurious = 0;
  for (const b of r.branches) {
    let best: string | null = null, bestMean = 5;
    for (const [k, tt] of truth) {
      const ds = b.rows.filter((q) => tt.tips.has(q.frame)).map((q) => Math.hypot(q.tipXPx - tt.tips.get(q.frame)!.x, q.tipYPx - tt.tips.get(q.frame)!.y));
      const m = ds.length ? ds.reduce((a, x) => a + x, 0) / ds.length : Infinity;
      if (m < bestMean && !used.has(k)) { bestMean = m; best = k; }
    }
    if (!best) { spurious++; continue; }
    used.add(best);
    const tt = truth.get(best)!;
    for (const q of b.rows) if (tt.tips.has(q.frame)) { s2 += (q.tipXPx - tt.tips.get(q.frame)!.x) ** 2 + (q.tipYPx - tt.tips.get(q.frame)!.y) ** 2; n++; }
    if (b.kinematics) vRelMax = Math.max(vRelMax, Math.abs(b.kinematics.velocityUmPerS / tt.v - 1));
  }
  return { nTruth: truth.size, found: used.size, rmsePx: n ? Math.sqrt(s2 / n) : NaN, vRelMax, spurious };
}
