/**
 * A full Model B (fv2d) fit on the MODEL.md §6 data set (fixtures/fit/section6, 602 points;
 * the data were generated with Model A): wall time, number of Model B runs and time per run
 * (issue 4: "a Model B step and a full Model B fit on the same data, with the time of each").
 * One start and no profile intervals (each profile point is a refit: with three fitted
 * parameters that multiplies the time by ~10).
 *
 *   node --import tsx test/bench/fv2d-fit.ts
 */
import { readFileSync } from 'node:fs';
import { stringify, parse } from 'yaml';
import { fitInclusion, parseInclusionsCsv, parseModelFile } from '../../src/fit/index.js';
import { readCurrentLog } from '../../src/ingest/currentLog/index.js';
import { fv2dSimulator } from '../../src/cli/commands/fit.js';

const dir = 'fixtures/fit/section6';
const base = parse(readFileSync(`${dir}/model.yaml`, 'utf8')) as Record<string, unknown>;
const model = parseModelFile(stringify({ ...base, model: 'fv2d', starts: 1 }), `${dir}/model.yaml (model: fv2d, starts: 1)`);
const obs = parseInclusionsCsv(readFileSync(`${dir}/inclusions.csv`, 'utf8'), `${dir}/inclusions.csv`);
const log = readCurrentLog(`${dir}/current.csv`);
const current = { tS: Float64Array.from(log.samples.map((q) => q.tS)), currentMA: Float64Array.from(log.samples.map((q) => q.currentMA)) };
const sim = await fv2dSimulator();
let runs = 0;
const counted: typeof sim = (...a) => {
  runs++;
  return sim(...a);
};
const t0 = performance.now();
const r = fitInclusion(obs, current, model, { skipProfiles: true, simulate: counted });
const s = (performance.now() - t0) / 1000;
for (const p of r.fit.parameters) console.log(`  ${p.name} = ${Number(p.value.toPrecision(5))}${p.se !== null ? ` ± ${Number(p.se.toPrecision(2))}` : ''}`);
console.log(`SUMMARY fv2d-fit: Model B fit of ${r.nPoints} points (1 start, no profiles): ${s.toFixed(0)} s, ${runs} Model B runs (${(s / runs).toFixed(2)} s each), converged ${r.fit.converged}, χ²_red ${r.fit.chi2Red.toFixed(1)} (data from Model A)`);
