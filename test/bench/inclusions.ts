/**
 * Accuracy of inclusion tracking on the i-Li fixtures (prints a table; not a test).
 *   node --import tsx test/bench/inclusions.ts
 * Per fixture: RMSE of front/back/centroid [µm and px], phase velocities vs truth, area change,
 * emptied-crack area error, redeposition onset.
 */
import { readFileSync } from 'node:fs';
import { phasesOfCurrent, readCurrentLog } from '../../src/ingest/currentLog/index.js';
import { inclusionPhases } from '../../src/measure/inclusionPhases.js';
import { fitLine } from '../../src/measure/regression.js';
import { readTruthInclusions, trackInclusions } from '../inclusions/trackFixture.js';

const UM = 0.5;
async function main(): Promise<void> {
  for (const name of ['ili', 'ili_model']) {
    const t0 = performance.now();
    const rows = await trackInclusions(`fixtures/${name}/video.mp4`, 'left', UM);
    const ms = performance.now() - t0;
    const truth = readTruthInclusions(`fixtures/${name}/truth_inclusions.csv`);
    const tj = JSON.parse(readFileSync(`fixtures/${name}/truth.json`, 'utf8')) as { frames: Array<{ inclusions: Array<{ depleted_area_um2: number }> }> };
    const e = { front: 0, back: 0, centroid: 0 };
    let areaErr = 0, depErr = 0, nDep = 0;
    for (const r of rows) {
      const t = truth[r.frame];
      e.front += (r.frontXPx * UM - t.front[0]) ** 2 + (r.frontYPx * UM - t.front[1]) ** 2;
      e.back += (r.backXPx * UM - t.back[0]) ** 2 + (r.backYPx * UM - t.back[1]) ** 2;
      e.centroid += (r.centroidXPx * UM - t.centroid[0]) ** 2 + (r.centroidYPx * UM - t.centroid[1]) ** 2;
      areaErr = Math.max(areaErr, Math.abs(r.areaPx2 * UM * UM - t.areaUm2) / t.areaUm2);
      const d = tj.frames[r.frame].inclusions[0].depleted_area_um2;
      if (d >= 20) { depErr += Math.abs(r.depletedAreaPx2 * UM * UM - d) / d; nDep++; }
    }
    const n = rows.length;
    console.log(`${name}: ${n}/${truth.length} frames, ${new Set(rows.map((r) => r.inclusionId)).size} inclusion(s), ${(ms / n).toFixed(1)} ms/frame incl. decode`);
    for (const k of ['front', 'back', 'centroid'] as const) {
      const rm = Math.sqrt(e[k] / n);
      console.log(`  ${k.padEnd(8)} RMSE ${rm.toFixed(3)} µm = ${(rm / UM).toFixed(3)} px`);
    }
    console.log(`  area: max |error| ${(100 * areaErr).toFixed(2)} % per frame; emptied crack: mean |error| ${(100 * depErr / nDep).toFixed(1)} % (${nDep} frames ≥ 20 µm²)`);
    const phases = phasesOfCurrent(readCurrentLog(`fixtures/${name}/current.csv`).samples);
    for (const p of inclusionPhases(rows, phases, UM)[0].phases) {
      const sel = truth.filter((t) => t.tS >= p.t_start_s && t.tS <= p.t_end_s);
      const vf = fitLine(sel.map((t) => t.tS), sel.map((t) => t.front[0])).slope;
      const vb = fitLine(sel.map((t) => t.tS), sel.map((t) => t.back[0])).slope;
      console.log(`  phase ${p.t_start_s}–${p.t_end_s} s (sign ${p.current_sign}): front ${p.front_velocity_um_per_s.toFixed(4)} (truth ${vf.toFixed(4)}) back ${p.back_velocity_um_per_s.toFixed(4)} (truth ${vb.toFixed(4)}) µm/s; area change ${(100 * p.area_change_rel).toFixed(2)} %` +
        (p.redeposition ? `; redeposition onset ${p.redeposition.onset_t_s} s at ${p.redeposition.onset_at} (${p.redeposition.onset_from_tip_um} µm from the tip)` : ''));
    }
  }
}
await main();
