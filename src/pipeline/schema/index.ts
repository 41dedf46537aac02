/** The pipeline YAML's JSON Schema (editor completion) generated from the zod schema. */
export { pipelineJsonSchema, pipelineJsonSchemaText, schemaKeyPaths, PIPELINE_SCHEMA_PATH, STAGE_DEFAULTS, type JsonSchemaNode } from './pipelineJsonSchema.js';
export { PIPELINE_KEY_DESCRIPTIONS } from './pipelineKeyDescriptions.js';
