/**
 * Speed of one Model A evaluation on the MODEL.md §6 recovery set-up: strip, L0 = 300 µm,
 * θ = 0, σ = 1 mS/cm; +0.47 mA/cm² for 20 min, −0.47 for 20 min, +0.94 for 10 min; truth
 * h_ext = 1 µm, η_th = 5 mV, j0 = 5 mA/cm², r = h_diss/h_ext = 1.2.
 *
 *   node --import tsx test/bench/model-speed.ts
 */
import os from 'node:os';
import { defaultReducedParams, simulateReduced, type ReducedModelParams } from '../../src/model/index.js';

const program = { tS: [0, 1200, 2400], jnAPerM2: [4.7, -4.7, 9.4] };
const state0 = { s1M: 0, s2M: 300e-6 };
const base: ReducedModelParams = { ...defaultReducedParams(), etaThV: 5e-3, j0APerM2: 50, hExtM: 1e-6, hDissM: 1.2e-6, hRefillM: 1e-6 };

function timesEvery(dtS: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * dtS);
}

function bench(label: string, p: ReducedModelParams, times: Float64Array): void {
  // Warm up the JIT, then time enough calls for a stable per-call figure.
  for (let i = 0; i < 300; i++) simulateReduced(p, program, state0, times);
  const reps = 3000;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let sink = 0;
  for (let i = 0; i < reps; i++) sink += simulateReduced(p, program, state0, times).s1M[times.length - 1];
  const cpu = process.cpuUsage(cpu0);
  const perCallUs = Number(process.hrtime.bigint() - t0) / 1e3 / reps;
  // CPU time is the figure to compare on a shared machine; wall time includes waiting for a core.
  const cpuPerCallUs = (cpu.user + cpu.system) / reps;
  const run = simulateReduced(p, program, state0, times);
  const last = times.length - 1;
  console.log(
    `${label.padEnd(44)} ${String(times.length).padStart(4)} pts  ${cpuPerCallUs.toFixed(1).padStart(7)} µs CPU/call (${perCallUs.toFixed(1)} wall)  ` +
      `s1(end) = ${(run.s1M[last] * 1e6).toFixed(4)} µm, L(end) = ${(run.lengthM[last] * 1e6).toFixed(4)} µm` +
      (Number.isFinite(sink) ? '' : ' (non-finite!)'),
  );
}

const frames301 = timesEvery(10, 301); // 0…3000 s every 10 s (the §6 set-up)
const frames360 = timesEvery(3000 / 359, 360); // 360 points over the same 50 min
console.log(`node ${process.version}; one simulateReduced call, MODEL.md §6 recovery set-up (3 current phases); load average ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`);
bench('BV kinetics, r = 1.2 (fit configuration)', base, frames360);
bench('BV kinetics, r = 1.2', base, frames301);
bench('linear kinetics, r = 1.2', { ...base, kinetics: 'linear' }, frames360);
bench('BV, r = 1 (constant-rate closed form)', { ...base, hDissM: 1e-6 }, frames360);
bench('BV, r = 1.2, softplus ε = 0.2 mV', { ...base, smoothingEpsV: 2e-4 }, frames360);
bench('BV, r = 1.2, η_th from K_IC (a_eff = L/2)', { ...base, etaThV: null }, frames360);
bench('BV, r = 1.2, thickness ledger', { ...base, thicknessLedger: true }, frames360);
bench('BV, r = 1.2, A+ lag (E = 150 GPa, ν = 0.26)', { ...base, lag: { youngPa: 150e9, poisson: 0.26 } }, frames360);
