/**
 * Writes fixtures/fit/section6/{inclusions.csv,current.csv,model.yaml,truth.json}: the MODEL.md §6
 * synthetic experiment (seed 6, plating edge left) used by fixtures.test.ts and as a worked example:
 *
 *   node --import tsx test/fit/makeFitFixtures.ts
 *   node bin/lidtrack.js fit fixtures/fit/section6/inclusions.csv --current fixtures/fit/section6/current.csv \
 *        --model-file fixtures/fit/section6/model.yaml --out /tmp/fit6
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { SECTION6_TRUTH, currentCsvText, inclusionsCsvText, section6CurrentLog, section6ModelYaml, section6Observations } from './syntheticInclusion.js';

export const FIXTURE_DIR = new URL('../../fixtures/fit/section6/', import.meta.url);
export const FIXTURE_SEED = 6;

/** The fixture files' contents. */
export function fitFixtureFiles(): Record<string, string> {
  return {
    'inclusions.csv': inclusionsCsvText(section6Observations(FIXTURE_SEED, SECTION6_TRUTH, 'left')),
    'current.csv': currentCsvText(section6CurrentLog()),
    'model.yaml': section6ModelYaml('left'),
    'truth.json': JSON.stringify({ ...SECTION6_TRUTH, seed: FIXTURE_SEED, plating_edge: 'left', note: 'MODEL.md §6 set-up; Model A, sharp threshold, rtol 1e-9' }, null, 2) + '\n',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const [name, text] of Object.entries(fitFixtureFiles())) writeFileSync(new URL(name, FIXTURE_DIR), text);
  console.log(`wrote ${Object.keys(fitFixtureFiles()).join(', ')} to ${FIXTURE_DIR.pathname}`);
}
