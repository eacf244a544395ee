import type { OpenAPIObject } from '@nestjs/swagger';
import { OPERATIONS } from './operations';
import { schemaFromExample } from './schema-from-example';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Responses = Operation['responses'];

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ERROR_REF = { $ref: '#/components/schemas/ErrorResponseDto' };

/** One error response in the error shape; several codes on one status share it. */
function addError(responses: Responses, status: number, codes: string[]): void {
  const existing = responses[String(status)] as
    { description?: string; content?: Record<string, { example?: unknown }> } | undefined;
  const known = (existing?.description ?? '')
    .split(/[,;]\s*/)
    .filter((c) => /^[A-Z][A-Z0-9_]+$/.test(c));
  const all = [...known, ...codes.filter((c) => !known.includes(c))];
  const example = existing?.content?.['application/json']?.example ?? {
    statusCode: status,
    code: all[0],
    message: all[0].toLowerCase().replace(/_/g, ' '),
    requestId: 'req-123',
  };
  responses[String(status)] = {
    description: all.join(', '),
    content: { 'application/json': { schema: ERROR_REF, example } },
  };
}

/**
 * Folds `OPERATIONS` into the generated document: each operation's success status with schema and
 * example (a DTO schema Nest already derived is kept), its own error statuses, and the ones whole
 * families of routes share — 403 on admin routes, 413 where a body is read, and the idempotency
 * outcomes on routes taking `Idempotency-Key`.
 */
export function applyOperationDocs(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const known = OPERATIONS[`${method.toUpperCase()} ${path}`];
      if (known) {
        const status = String(known.status);
        const previous = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
        const kept = previous.find(([s]) => s === status)?.[1] as
          { description?: string; content?: Record<string, { schema?: unknown }> } | undefined;
        for (const [s] of previous) delete op.responses[s];
        if (known.example === null) op.responses[status] = { description: 'No content' };
        else
          op.responses[status] = {
            description: kept?.description || 'OK',
            content: {
              'application/json': {
                schema:
                  (kept?.content?.['application/json']?.schema as object | undefined) ??
                  schemaFromExample(known.example),
                example: known.example,
              },
            },
          };
        for (const [s, codes] of Object.entries(known.errors))
          addError(op.responses, Number(s), codes);
      }
      // `@ApiOkResponse({schema: {example}})` (health routes): derive the schema, show the example.
      for (const [s, r] of Object.entries(op.responses)) {
        const media = (r as { content?: Record<string, { schema?: Record<string, unknown> }> })
          .content?.['application/json'];
        const schema = media?.schema;
        if (!/^2\d\d$/.test(s) || !schema || !('example' in schema) || schema.type || schema.$ref)
          continue;
        const { example, ...rest } = schema;
        Object.assign(media, {
          schema: { ...rest, ...schemaFromExample(example) },
          example,
        });
      }
      if (path.startsWith('/api/admin')) addError(op.responses, 403, ['FORBIDDEN']);
      if (op.requestBody) addError(op.responses, 413, ['PAYLOAD_TOO_LARGE']);
      const idempotent = (op.parameters ?? []).some(
        (p) => 'name' in p && p.in === 'header' && p.name.toLowerCase() === 'idempotency-key',
      );
      if (idempotent) {
        addError(op.responses, 400, ['IDEMPOTENCY_KEY_INVALID']);
        addError(op.responses, 409, ['IDEMPOTENCY_REQUEST_IN_PROGRESS']);
        addError(op.responses, 422, ['IDEMPOTENCY_KEY_REUSED']);
      }
    }
  }
  return doc;
}

/**
 * The codes whole families of routes share, added to the statuses already documented (so the common
 * examples stay): body parsing where a body is read, a malformed path parameter, the cookie-origin
 * check on authenticated writes (the database outage is added by `addUnavailableResponses`).
 */
export function applyErrorFamilies(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (op.requestBody) {
        addError(op.responses, 400, ['INVALID_JSON', 'JSON_TOO_DEEP', 'BAD_REQUEST']);
        addError(op.responses, 415, ['UNSUPPORTED_MEDIA_TYPE']);
      }
      if (path.includes('{')) addError(op.responses, 400, ['INVALID_PATH']);
      // Cookie-authenticated writes must come from an allowed origin (CSRF defence).
      if (method !== 'get' && op.security?.length)
        addError(op.responses, 403, ['ORIGIN_NOT_ALLOWED']);
    }
  }
  return doc;
}
