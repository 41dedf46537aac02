/**
 * Write schemas/pipeline.schema.json from the zod schema of the pipeline YAML.
 *   node --import tsx scripts/gen-schema.ts          # (re)write the file
 *   node --import tsx scripts/gen-schema.ts --check  # exit 1 if the committed file is stale
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIPELINE_SCHEMA_PATH, pipelineJsonSchemaText } from '../src/pipeline/schema/index.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', PIPELINE_SCHEMA_PATH);
const text = pipelineJsonSchemaText();
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(file, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (old !== text) {
    process.stderr.write(`${PIPELINE_SCHEMA_PATH} is stale: run node --import tsx scripts/gen-schema.ts\n`);
    process.exit(1);
  }
  process.stdout.write(`${PIPELINE_SCHEMA_PATH} is up to date\n`);
} else {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${PIPELINE_SCHEMA_PATH} (${text.length} bytes)\n`);
}
