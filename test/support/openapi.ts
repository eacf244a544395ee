import request from 'supertest';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface JsonSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
}

interface RawParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface RawOperation {
  operationId?: string;
  parameters?: RawParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}

interface OpenApiDoc {
  paths: Record<string, Partial<Record<HttpMethod, RawOperation>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** One operation of the generated document, with its schemas resolved. */
export interface Operation {
  method: HttpMethod;
  /** OpenAPI template, e.g. `/api/jobs/{id}`. */
  template: string;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema }>;
  body: JsonSchema | null;
}

const METHODS: HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation in the app's own `/docs-json`, so a new route is covered without editing tests. */
export async function loadOperations(baseUrl: string): Promise<Operation[]> {
  const doc = (await request(baseUrl).get('/docs-json').expect(200)).body as OpenApiDoc;
  const schemas = doc.components?.schemas ?? {};
  const resolve = (s: JsonSchema | undefined, depth = 0): JsonSchema | null => {
    if (!s || depth > 8) return null;
    if (s.$ref) return resolve(schemas[s.$ref.split('/').pop() as string], depth + 1);
    if (s.allOf?.length) return resolve(s.allOf[0], depth + 1);
    if (s.properties)
      return {
        ...s,
        properties: Object.fromEntries(
          Object.entries(s.properties).map(([k, v]) => [k, resolve(v, depth + 1) ?? {}]),
        ),
      };
    return s;
  };
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const params = op.parameters ?? [];
      ops.push({
        method,
        template,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: resolve(p.schema) ?? {} })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return ops;
}

/** The template with each `{param}` replaced by `value(param)` (percent-encoded). */
export function fillPath(template: string, value: (param: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(value(name)));
}

/** A plausible value for a schema: the base a malformed request is derived from. */
export function plausible(schema: JsonSchema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  if (schema.type === 'array') return [plausible(schema.items)];
  if (schema.type === 'object' || schema.properties)
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(v)]),
    );
  return schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'text';
}
