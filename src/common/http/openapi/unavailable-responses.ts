import type { OpenAPIObject } from '@nestjs/swagger';
import { DATABASE_RETRY_AFTER_S } from 'src/common/database/database-outage';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ERROR_REF = { $ref: '#/components/schemas/ErrorResponseDto' };

/**
 * Operations that never answer 503 SERVICE_UNAVAILABLE, and why. Every other operation reads or
 * writes the database, so while it is unreachable the global filter answers 503 SERVICE_UNAVAILABLE
 * with Retry-After (the API docs test holds this list to exactly these).
 */
export const NEVER_DATABASE_UNAVAILABLE: Record<string, string> = {
  'GET /health/live': 'process liveness only; never reads the database',
  'GET /health/ready': 'answers its own 503 NOT_READY naming the dependency that is down',
  'GET /health/status': 'reports the database as down in its body',
};

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying (every 503 carries it)',
    schema: { type: 'integer', example: DATABASE_RETRY_AFTER_S },
  },
};

/**
 * Adds the database outage to every operation that can meet it: 503 SERVICE_UNAVAILABLE in the error
 * shape with `Retry-After`. Where an operation already documents a 503 of its own (a gateway that is
 * down, PROVIDER_UNAVAILABLE; a webhook not recorded) the codes are listed together and its example
 * is kept.
 */
export function addUnavailableResponses(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op: Operation | undefined = item[method];
      if (!op || `${method.toUpperCase()} ${path}` in NEVER_DATABASE_UNAVAILABLE) continue;
      const existing = op.responses['503'] as
        { description?: string; content?: Record<string, { example?: unknown }> } | undefined;
      const codes = (existing?.description ?? '')
        .split(/[,;]\s*/)
        .filter((c) => /^[A-Z][A-Z0-9_]+$/.test(c) && c !== 'SERVICE_UNAVAILABLE');
      op.responses['503'] = {
        description: [...codes, 'SERVICE_UNAVAILABLE'].join(', '),
        headers: RETRY_AFTER,
        content: {
          'application/json': {
            schema: ERROR_REF,
            example: existing?.content?.['application/json']?.example ?? {
              statusCode: 503,
              code: 'SERVICE_UNAVAILABLE',
              message: 'The service is temporarily unavailable; retry later',
              requestId: 'req-123',
            },
          },
        },
      };
    }
  }
  return doc;
}
