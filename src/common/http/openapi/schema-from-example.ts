import type { ApiResponseSchemaHost } from '@nestjs/swagger';

export type SchemaObject = ApiResponseSchemaHost['schema'];

/**
 * The JSON schema a real example implies: types, required properties (all of them) and array items.
 * A `null` in an example is a nullable string (timestamps, ids, reasons — the nullable fields we
 * have); give non-string fields a non-null example value.
 */
export function schemaFromExample(value: unknown): SchemaObject {
  if (value === null || value === undefined) return { type: 'string', nullable: true };
  if (Array.isArray(value))
    return { type: 'array', items: value.length > 0 ? schemaFromExample(value[0]) : {} };
  switch (typeof value) {
    case 'string':
      return /^\d{4}-\d\d-\d\dT/.test(value)
        ? { type: 'string', format: 'date-time' }
        : { type: 'string' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>);
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaFromExample(v)])),
        required: entries.map(([k]) => k),
      };
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      break;
  }
  return {};
}
