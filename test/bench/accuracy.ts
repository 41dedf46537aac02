/**
 * Accuracy benchmark (issue 3 part 6): render scenarios with known truth (src/render), track
 * them with the library (runTrack, report off), compare with the truth.
 *
 * Per scenario: dendrites found, frame coverage, tip RMSE [px] (image coordinates of that frame,
 * stage drift included, as the tracks.csv contract and truth.json define them), velocity and
 * j_tip relative error, spurious tracks, pass/fail against the issue-3 targets; then one
 * summary row. Tracks are matched to truth by mean tip distance over common frames (≤ 5 px);
 * a second track matched to the same dendrite counts as spurious (a fragment).
 *
 *   node --import tsx test/bench/accuracy.ts [--only NAME[,NAME]] [--keep DIR] [--no-fast-path]
 * --no-fast-path: every frame segmented whole, every tile every frame, every dendrite searched for
 * branches every frame (segment.full_frame_every, interface_band_every, freeze_every and
 * tips.branch_search_every all 1): the same scenarios without the shortcuts of issue 7, to compare.
 * Renders are cached in $LIDTRACK_BENCH_DIR/accuracy (default /tmp/lidtrack-bench) by scenario hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrack, type TrackResult } from '../../src/pipeline/runTrack.js';
import { trackConfigSchema } from '../../src/pipeline/trackConfig.js';
import { renderScenario, validateScenario } from '../../src/render/index.js';
import { ACCURACY_SCENARIOS } from './scenarios/accuracyScenarios.js';
import { type BranchScore, readTruth, score, scoreBranches, TARGETS, type ScenarioScore } from './accuracyScore.js';

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(2) : '—');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');

function printTable(rows: ScenarioScore[]): void {
  const head = ['scenario', 'kind', 'found', 'cover %', 'RMSE px', '(reg px)', '(smooth px)', 'v err %', 'j err %', 'spur', 'track s', 'target'];
  const body = rows.map((r) => [r.name, r.kind, `${r.found}/${r.nTruth}`, pct(r.coverage), f2(r.rmsePx), f2(r.rmseRegPx), f2(r.rmseSmoothPx), pct(r.vRelMax), pct(r.jRelMax), String(r.spurious), r.trackS.toFixed(1), r.pass ? 'PASS' : 'FAIL']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c: string[]) => '| ' + c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + w.map((x, i) => (i === 0 ? ':' : '') + '-'.repeat(x + 1) + (i === 0 ? '' : ':')).join('|').replace(/:-/g, ':-') + '|');
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyIx = args.indexOf('--only');
  const only = onlyIx >= 0 ? args[onlyIx + 1].split(',') : null;
  const noFastPath = args.includes('--no-fast-path');
  const fastPathOff = noFastPath
    ? { segment: { full_frame_every: 1, interface_band_every: 1, freeze_every: 1 }, tips: { branch_search_every: 1 } }
    : {};
  const base = join(process.env.LIDTRACK_BENCH_DIR ?? join(tmpdir(), 'lidtrack-bench'), 'accuracy');
  mkdirSync(base, { recursive: true });
  const list = ACCURACY_SCENARIOS.filter((s) => !only || only.includes(s.name));
  console.log(`accuracy benchmark${noFastPath ? ' WITHOUT the fast path (every frame whole, every tile, branches every frame)' : ''}: ${list.length} scenario(s), targets clean RMSE ≤ ${TARGETS.clean.rmsePx} px, v/j ≤ ${TARGETS.clean.vRel * 100} %; hard RMSE ≤ ${TARGETS.hard.rmsePx} px, v ≤ ${TARGETS.hard.vRel * 100} %, no spurious`);
  console.log('RMSE: image coordinates of each frame (drift included, the tracks.csv contract); (reg px): against drift-registered truth, diagnostic only; (smooth px): the smoothed extra columns tip_x/y_smooth_px, beside the target.');
  const rows: ScenarioScore[] = [];
  const branchRows: Array<{ name: string } & BranchScore> = [];
  let renderS = 0;
  for (const sc of list) {
    const valid = validateScenario(sc.scenario, sc.name);
    const hash = createHash('sha256').update(JSON.stringify(valid)).digest('hex').slice(0, 12);
    const dir = join(base, sc.name);
    const stamp = join(dir, 'scenario.hash');
    if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(dir, 'truth.json')))) {
      const t0 = performance.now();
      rmSync(dir, { recursive: true, force: true });
      await renderScenario(valid, dir, { force: true });
      writeFileSync(stamp, hash);
      renderS += (performance.now() - t0) / 1000;
    }
    const t0 = performance.now();
    let r: TrackResult;
    try {
      r = await runTrack(trackConfigSchema.parse({
        input: join(dir, 'video.mp4'), um_per_px: valid.calibration.um_per_px, plating_edge: valid.calibration.plating_edge,
        out: join(dir, noFastPath ? 'out-no-fast-path' : 'out'), report: false, force: true, ...fastPathOff,
      }));
    } catch (e) {
      console.log(`${sc.name}: track failed: ${e instanceof Error ? e.message : String(e)}`);
      rows.push({ name: sc.name, kind: sc.kind, nTruth: 2, found: 0, coverage: 0, rmsePx: NaN, rmseRegPx: NaN, rmseSmoothPx: NaN, vRelMax: Infinity, jRelMax: Infinity, spurious: 0, pass: false, trackS: 0 });
      continue;
    }
    rows.push(score(sc, r, readTruth(dir), (performance.now() - t0) / 1000));
    branchRows.push({ name: sc.name, ...scoreBranches(r, dir) });
    process.stderr.write(`  ${sc.name} done\n`);
  }
  printTable(rows);
  for (const sc of list) console.log(`  ${sc.name}: ${sc.what}`);
  // branch ends (branches.csv; no target in issue 3: reported as measured)
  console.log('branch tips (branches.csv), per scenario with branches or with any branch reported: truth found, RMSE px over found frames, growth-rate err %, spurious');
  for (const b of branchRows) {
    if (!b.nTruth && !b.spurious) continue;
    console.log(`  ${b.name}: found ${b.found}/${b.nTruth}, RMSE ${f2(b.rmsePx)} px, v err ${pct(b.vRelMax)} %, spurious ${b.spurious}`);
  }
  const agg = (k: 'clean' | 'hard') => {
    const rs = rows.filter((r) => r.kind === k);
    if (!rs.length) return `${k}: none`;
    const max = (f: (r: ScenarioScore) => number) => Math.max(...rs.map(f));
    return `${k} ${rs.filter((r) => r.pass).length}/${rs.length} pass, max RMSE ${f2(max((r) => (Number.isNaN(r.rmsePx) ? Infinity : r.rmsePx)))} px, max v err ${pct(max((r) => r.vRelMax))} %, max j err ${pct(max((r) => r.jRelMax))} %, found ${rs.reduce((a, r) => a + r.found, 0)}/${rs.reduce((a, r) => a + r.nTruth, 0)}, spurious ${rs.reduce((a, r) => a + r.spurious, 0)}`;
  };
  console.log(`(render ${renderS.toFixed(0)} s, tracking ${rows.reduce((a, r) => a + r.trackS, 0).toFixed(0)} s)`);
  console.log(`SUMMARY accuracy: ${agg('clean')}; ${agg('hard')}`);
  process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
}

await main();
