/**
 * Closed loop (issue 5): Model A run with known parameters → rendered video (fixtures/ili_model:
 * h_ext = h_diss 0.1 µm, η_th 1 mV, j0 5 mA/cm², strip, σ 1 mS/cm, 0.25 cm²) → inclusion tracking →
 * inclusions.csv → Model A fit. Prints the estimates, their 95 % intervals and the truth.
 *   node --import tsx test/bench/inclusion-closed-loop.ts
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitInclusion, fitReportJson, parseCurrentCsv, parseInclusionsCsv, parseModelFile } from '../../src/fit/index.js';
import { writeInclusionsCsv } from '../../src/report/inclusionsCsv.js';
import { trackInclusions } from '../inclusions/trackFixture.js';

const rows = await trackInclusions('fixtures/ili_model/video.mp4', 'left', 0.5);
const csv = writeInclusionsCsv(mkdtempSync(join(tmpdir(), 'lidtrack-loop-')), rows, 0.5);
const model = parseModelFile(readFileSync('fixtures/ili_model/model.yaml', 'utf8')); // fits h_ext, η_th, h_diss/h_ext; j0 fixed
const r = fitInclusion(parseInclusionsCsv(readFileSync(csv, 'utf8'), csv), parseCurrentCsv(readFileSync('fixtures/ili_model/current.csv', 'utf8')), model, {});
const j = fitReportJson(r) as { chi2_red: number; parameters: Record<string, { value: number; ci95: [number, number] | null }> };
console.log(`chi2_red ${j.chi2_red}`);
for (const [name, truth] of [['h_ext_um', 0.1], ['eta_th_mV', 1], ['thickness_ratio', 1]] as const) {
  const p = j.parameters[name];
  const inside = p.ci95 ? p.ci95[0] <= truth && truth <= p.ci95[1] : false;
  console.log(`${name}: ${p.value} [${p.ci95?.join(', ')}] truth ${truth} → ${inside ? 'inside' : 'OUTSIDE'} the 95 % interval (${(100 * (p.value - truth) / truth).toFixed(1)} %)`);
}
