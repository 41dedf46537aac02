/**
 * A small JSON Schema (draft-07) validator for the keywords the generated pipeline schema
 * uses. Any other keyword is an error, so if the generator starts emitting a construct this
 * validator does not understand, the schema tests fail instead of passing vacuously.
 */
import type { JsonSchemaNode } from '../../src/pipeline/schema/index.js';

const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'default']);
const ASSERTIONS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'enum',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'items', 'minItems', 'maxItems',
]);

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'object': return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'null': return v === null;
    default: throw new Error(`jsonSchemaSubset: unsupported type "${t}"`);
  }
}

/**
 * Validate `value` against `schema`.
 * @returns one message per violation, each starting with the JSON path ("" = root); [] when valid
 */
export function validateJsonSchema(schema: JsonSchemaNode, value: unknown, path = ''): string[] {
  for (const kw of Object.keys(schema)) {
    if (!ANNOTATIONS.has(kw) && !ASSERTIONS.has(kw)) throw new Error(`jsonSchemaSubset: unsupported keyword "${kw}" at ${path || '(root)'}`);
  }
  const errs: string[] = [];
  const at = path || '(root)';
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeOk(t, value))) return [`${at}: expected ${types.join('|')}`];
  }
  if (schema.enum !== undefined && !(schema.enum as unknown[]).some((e) => e === value)) errs.push(`${at}: not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && !(value >= schema.minimum)) errs.push(`${at}: < minimum ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && !(value <= schema.maximum)) errs.push(`${at}: > maximum ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && !(value > schema.exclusiveMinimum)) errs.push(`${at}: ≤ exclusiveMinimum ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && !(value < schema.exclusiveMaximum)) errs.push(`${at}: ≥ exclusiveMaximum ${schema.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    const n = [...value].length; // JSON Schema counts code points
    if (typeof schema.minLength === 'number' && n < schema.minLength) errs.push(`${at}: shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && n > schema.maxLength) errs.push(`${at}: longer than ${schema.maxLength}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errs.push(`${at}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errs.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.items !== undefined) value.forEach((v, i) => errs.push(...validateJsonSchema(schema.items as JsonSchemaNode, v, `${path}[${i}]`)));
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, JsonSchemaNode>;
    for (const r of (schema.required ?? []) as string[]) if (!Object.hasOwn(obj, r)) errs.push(`${path ? path + '.' : ''}${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const p = path ? `${path}.${k}` : k;
      if (Object.hasOwn(props, k)) errs.push(...validateJsonSchema(props[k], v, p));
      else if (schema.additionalProperties === false) errs.push(`${p}: unknown key`);
    }
  }
  return errs;
}
