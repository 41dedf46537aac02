/**
 * Parameter recovery of the Model A inclusion fit (MODEL.md §6 set-up): 40 seeded replicates
 * with j0 fixed → bias, SD, bias/SD, mean SE, 95 % coverage (Jacobian for all, profile for η_th),
 * χ²_red and time per fit; then the speed figure on 360 points and one full 4-parameter fit
 * (j0 free) showing the identifiability report.
 *
 *   node --import tsx test/bench/fit-recovery.ts [replicates=40]
 */
import { fitInclusion } from '../../src/fit/inclusion/fitInclusion.js';
import { parseModelFile } from '../../src/fit/inclusion/modelFile.js';
import { SECTION6_TRUTH, section6CurrentLog, section6Model, section6ModelYaml, section6Observations } from '../fit/syntheticInclusion.js';

const replicates = Number(process.argv[2] ?? 40);
const names = ['h_ext_um', 'eta_th_mV', 'thickness_ratio'] as const;
const truth: Record<(typeof names)[number], number> = { h_ext_um: SECTION6_TRUTH.hExtUm, eta_th_mV: SECTION6_TRUTH.etaThMV, thickness_ratio: SECTION6_TRUTH.thicknessRatio };

const est: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const se: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const coverJ: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
let coverProfileEta = 0;
const chi2: number[] = [];
const totalMs: number[] = [];
const estimateMs: number[] = [];
const evals: number[] = [];
let otherBasinFits = 0;
let notConverged = 0;
const model = section6Model();
const log = section6CurrentLog();

for (let seed = 1; seed <= replicates; seed++) {
  const obs = section6Observations(1000 + seed);
  const r = fitInclusion(obs, log, model, { profile: ['eta_th_mV'] });
  const f = r.fit;
  if (!f.converged) notConverged += 1;
  if (f.otherBasins.length) otherBasinFits += 1;
  chi2.push(f.chi2Red);
  totalMs.push(f.elapsedMs);
  estimateMs.push(f.estimateMs);
  evals.push(f.evaluations);
  for (const n of names) {
    const p = f.parameters.find((q) => q.name === n)!;
    est[n].push(p.value);
    se[n].push(p.se ?? Number.NaN);
    const cj = p.ci95Jacobian!;
    if (cj[0] <= truth[n] && truth[n] <= cj[1]) coverJ[n] += 1;
    if (n === 'eta_th_mV' && p.ci95Profile && p.ci95Profile[0] <= truth[n] && truth[n] <= p.ci95Profile[1]) coverProfileEta += 1;
  }
  process.stderr.write(`\rreplicate ${seed}/${replicates}`);
}
process.stderr.write('\n');

const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sd = (a: number[]) => Math.sqrt(a.reduce((s, v) => s + (v - mean(a)) ** 2, 0) / (a.length - 1));
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const g = (x: number, d = 4) => Number(x.toPrecision(d)).toString();

console.log(`\nModel A fit recovery, MODEL.md §6 set-up, ${replicates} replicates (j0 fixed at 5 mA/cm², 602 points each)`);
console.log('| parameter | truth | mean | bias | SD | SD % | bias/SD | mean Jacobian SE | coverage (Jacobian) | coverage (profile) |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const n of names) {
  const m = mean(est[n]);
  const s = sd(est[n]);
  console.log(
    `| ${n} | ${truth[n]} | ${g(m, 6)} | ${g(m - truth[n], 2)} | ${g(s, 2)} | ${g((100 * s) / truth[n], 2)} | ${g((m - truth[n]) / s, 2)} | ${g(mean(se[n]), 2)} | ${g(coverJ[n] / replicates, 3)} | ${n === 'eta_th_mV' ? g(coverProfileEta / replicates, 3) : '—'} |`,
  );
}
console.log(`χ²_red: mean ${g(mean(chi2))}, range ${g(Math.min(...chi2))}–${g(Math.max(...chi2))}; not converged: ${notConverged}; fits with another basin within Δχ² < 4: ${otherBasinFits}`);
console.log(`time per fit (12 Sobol starts + covariance): median ${g(median(estimateMs), 3)} ms; with the η_th profile: median ${g(median(totalMs), 3)} ms; model evaluations per fit: median ${median(evals)}`);

// Speed on 360 points (180 frames at 16.76 s), and a single start.
{
  const obs = section6Observations(7, SECTION6_TRUTH, 'left', 180, 3000 / 179);
  const times: number[] = [];
  const single: number[] = [];
  let ev = 0;
  let evSingle = 0;
  for (let k = 0; k < 5; k++) {
    const r = fitInclusion(obs, log, model, { skipProfiles: true });
    times.push(r.fit.estimateMs);
    ev = r.fit.evaluations;
    const r1 = fitInclusion(obs, log, model, { skipProfiles: true, starts: 1 });
    single.push(r1.fit.estimateMs);
    evSingle = r1.fit.evaluations;
  }
  console.log(`360 points: 12-start fit median ${g(median(times), 3)} ms (${ev} model evaluations, ${g(median(times) / ev, 3)} ms each); single-start fit median ${g(median(single), 3)} ms (${evSingle} evaluations)`);
}

// Full 4-parameter fit (j0 free): identifiability report.
{
  const m4 = parseModelFile(section6ModelYaml('left', '[h_ext_um, eta_th_mV, j0_mA_per_cm2, thickness_ratio]', '{alpha: 0.5}'));
  const r = fitInclusion(section6Observations(2024), log, m4);
  console.log('\nFull 4-parameter fit (h_ext, η_th, j0, r free):');
  for (const n of r.fit.notIdentifiable) {
    console.log(`  not identifiable: ${n.name}: ${n.reason}; estimate before fixing ${g(n.estimateBeforeFixing)}; profile 95 % ${n.profile ? `[${g(n.profile.ci95[0])}, ${g(n.profile.ci95[1])}]${n.profile.upperOpen ? ' (open above)' : ''}${n.profile.lowerOpen ? ' (open below)' : ''}` : 'n/a'}`);
  }
  for (const p of r.fit.parameters) {
    console.log(`  ${p.name} = ${g(p.value, 6)} ${p.fixed ? '(fixed)' : `[${g(p.ci95![0], 6)}, ${g(p.ci95![1], 6)}] (${p.ciMethod})`}`);
  }
  console.log(`  χ²_red ${g(r.fit.chi2Red)}, ${g(r.fit.elapsedMs, 3)} ms`);
}
