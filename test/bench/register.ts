/**
 * Benchmark of the register stage: drift accuracy and per-frame cost.
 *
 *   node --import tsx test/bench/register.ts [--reps N]
 *
 * 1. Synthetic grain scenes (exact sub-pixel shifts, noise σ 8, 3 % gain) at 320×240,
 *    1280×720 and 1920×1080: drift error and time per ShiftEstimator.estimate (wall and CPU;
 *    on a loaded machine wall time includes waiting for a core, CPU time does not), split into
 *    the coarse step (phase correlation) and the whole estimate.
 * 2. fixtures/hard/video.mp4: drift RMSE vs truth.json (drift_t − drift_0), gain RMS error,
 *    time per DriftTracker.update (estimate + shiftImage + gain).
 * Last line: SUMMARY.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { openSource } from '../../src/ingest/index.js';
import { DriftTracker, ShiftEstimator } from '../../src/register/index.js';
import { GrainScene } from '../register/synthTexture.js';

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 20;

function timeIt(fn: () => void, reps: number): { wallMs: number; cpuMs: number } {
  for (let i = 0; i < 15; i++) fn();
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < reps; i++) fn();
  const u = process.cpuUsage(c);
  return { wallMs: (performance.now() - t) / reps, cpuMs: (u.user + u.system) / 1000 / reps };
}

console.log(`register bench — node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)}`);
console.log('size        | max err px | coarse wall/cpu ms | estimate wall/cpu ms');
const summary: string[] = [];
for (const [w, h] of [[320, 240], [1280, 720], [1920, 1080]]) {
  const scene = new GrainScene(w, h, 5);
  const ref = scene.render();
  const frames = [[2.37, -1.61], [-4.1, 3.3], [0.45, 5.8]].map(([dx, dy], k) => ({ dx, dy, img: scene.render({ dxPx: dx, dyPx: dy, noiseSigma: 8, noiseSeed: k, gain: 1.03 }) }));
  const est = new ShiftEstimator(ref, w, h);
  const coarse = new ShiftEstimator(ref, w, h, { coarseOnly: true });
  let maxErr = 0;
  for (const f of frames) {
    const e = est.estimate(f.img);
    maxErr = Math.max(maxErr, Math.hypot(e.dxPx - f.dx, e.dyPx - f.dy));
  }
  const tc = timeIt(() => coarse.estimate(frames[0].img), REPS);
  const tf = timeIt(() => est.estimate(frames[0].img), REPS);
  console.log(`${`${w}×${h}`.padEnd(11)} | ${maxErr.toFixed(3).padStart(10)} | ${tc.wallMs.toFixed(1).padStart(8)} / ${tc.cpuMs.toFixed(1).padEnd(7)} | ${tf.wallMs.toFixed(1).padStart(8)} / ${tf.cpuMs.toFixed(1)}`);
  summary.push(`${h}p ${tf.cpuMs.toFixed(1)} ms cpu`);
}

const truth = JSON.parse(readFileSync('fixtures/hard/truth.json', 'utf8')) as { frames: Array<{ drift_x_px: number; drift_y_px: number; gain: number }> };
const src = await openSource('fixtures/hard/video.mp4');
let tracker: DriftTracker | null = null;
let se = 0, seG = 0, n = 0, wall = 0, cpu = 0, unreliable = 0;
const f0 = truth.frames[0];
for await (const f of src.frames()) {
  tracker ??= new DriftTracker(f.data.slice(), f.width, f.height);
  const out = new Uint8Array(f.data.length);
  const c = process.cpuUsage();
  const t = performance.now();
  const s = tracker.update(f.data, { index: f.index, tS: f.tS, out });
  wall += performance.now() - t;
  const u = process.cpuUsage(c);
  cpu += (u.user + u.system) / 1000;
  const tr = truth.frames[f.index];
  se += (s.dxPx - (tr.drift_x_px - f0.drift_x_px)) ** 2 + (s.dyPx - (tr.drift_y_px - f0.drift_y_px)) ** 2;
  seG += (s.gain / (tr.gain / f0.gain) - 1) ** 2;
  if (!s.reliable) unreliable++;
  n++;
}
const rmse = Math.sqrt(se / n);
console.log(`fixtures/hard (320×240, ${n} frames): drift RMSE ${rmse.toFixed(3)} px (2-D), gain RMS error ${(100 * Math.sqrt(seG / n)).toFixed(2)} %, unreliable ${unreliable}, update ${(wall / n).toFixed(1)} ms wall / ${(cpu / n).toFixed(1)} ms cpu per frame`);
console.log(`SUMMARY register: hard drift RMSE ${rmse.toFixed(3)} px; ${summary.join(', ')}`);
