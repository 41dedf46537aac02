/**
 * The JSON Schema of a pipeline YAML, generated from the zod schema that `lidtrack run`
 * validates with (`pipelineSchema`), so editors (yaml-language-server, VS Code, JetBrains)
 * offer the same keys, types, bounds and defaults the pipeline accepts. Written to
 * schemas/pipeline.schema.json by scripts/gen-schema.ts; a test keeps the committed file equal
 * to what this function returns.
 */
import { z } from 'zod';
import { DEFAULT_REFERENCE_OPTIONS, DEFAULT_SEGMENT_OPTIONS } from '../../segment/index.js';
import { DEFAULT_BRANCH_OPTIONS, DEFAULT_LINK_OPTIONS, DEFAULT_TIP_OPTIONS } from '../../track/index.js';
import { pipelineSchema } from '../runPipelineFile.js';
import { PIPELINE_KEY_DESCRIPTIONS } from './pipelineKeyDescriptions.js';

/** A JSON Schema node (draft-07), as plain JSON. */
export type JsonSchemaNode = { [keyword: string]: unknown };

/** Where the schema is committed, relative to the repository root. */
export const PIPELINE_SCHEMA_PATH = 'schemas/pipeline.schema.json';

/**
 * Defaults of keys that are optional in the zod schema because the stage fills them in: shown
 * to the user as the JSON Schema `default`, read from the stages' own option constants.
 */
export const STAGE_DEFAULTS: Readonly<Record<string, number>> = {
  'track.segment.high_sigma': DEFAULT_SEGMENT_OPTIONS.highSigma,
  'track.segment.low_sigma': DEFAULT_SEGMENT_OPTIONS.lowSigma,
  'track.segment.min_area_px': DEFAULT_SEGMENT_OPTIONS.minAreaPx,
  'track.segment.blur_size_px': DEFAULT_SEGMENT_OPTIONS.blurSizePx,
  'track.segment.closing_size_px': DEFAULT_REFERENCE_OPTIONS.closingSizePx,
  'track.segment.dendrite_contrast': DEFAULT_REFERENCE_OPTIONS.dendriteContrast,
  'track.tips.min_prominence_px': DEFAULT_TIP_OPTIONS.minProminencePx,
  'track.tips.min_length_px': DEFAULT_TIP_OPTIONS.minLengthPx,
  'track.tips.branch_min_length_px': DEFAULT_BRANCH_OPTIONS.minLengthPx,
  'track.link.gate_px': DEFAULT_LINK_OPTIONS.gatePx,
  'track.link.max_gap_frames': DEFAULT_LINK_OPTIONS.maxGapFrames,
};

/**
 * The pipeline JSON Schema (draft-07, input side: keys with defaults are optional), with the
 * description of every key from {@link PIPELINE_KEY_DESCRIPTIONS} and the stage defaults of
 * {@link STAGE_DEFAULTS}. A key without a description simply has none (the schema test names it).
 */
export function pipelineJsonSchema(): JsonSchemaNode {
  const raw = z.toJSONSchema(pipelineSchema, { target: 'draft-07', io: 'input', reused: 'inline', unrepresentable: 'throw' }) as JsonSchemaNode;
  const { $schema, ...body } = raw;
  return { $schema, title: 'lidtrack pipeline', ...annotate(body, '') };
}

/** The committed file's exact text: 2-space JSON and a trailing newline. */
export function pipelineJsonSchemaText(): string {
  return JSON.stringify(pipelineJsonSchema(), null, 2) + '\n';
}

/** Dotted YAML paths of every key the schema defines, depth first in schema order. */
export function schemaKeyPaths(node: JsonSchemaNode, prefix = ''): string[] {
  const props = node.properties as Record<string, JsonSchemaNode> | undefined;
  if (!props) return [];
  return Object.entries(props).flatMap(([k, child]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...schemaKeyPaths(child, path)];
  });
}

function annotate(node: JsonSchemaNode, path: string): JsonSchemaNode {
  const out: JsonSchemaNode = {};
  const text = PIPELINE_KEY_DESCRIPTIONS[path] ?? (node.description as string | undefined);
  if (text !== undefined) out.description = text;
  if (node.default === undefined && STAGE_DEFAULTS[path] !== undefined) out.default = STAGE_DEFAULTS[path];
  for (const [kw, v] of Object.entries(node)) {
    if (kw === 'description') continue;
    if (kw === 'properties') {
      const props: Record<string, JsonSchemaNode> = {};
      for (const [k, child] of Object.entries(v as Record<string, JsonSchemaNode>)) props[k] = annotate(child, path ? `${path}.${k}` : k);
      out.properties = props;
    } else {
      out[kw] = v;
    }
  }
  return out;
}
