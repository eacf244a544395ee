import type { INestApplication } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ApiProperty, ApiPropertyOptional, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { AppConfig } from 'src/config/app-config';
import { applyErrorFamilies, applyOperationDocs } from './openapi/apply-operations';
import { addUnavailableResponses } from './openapi/unavailable-responses';

/** The contract's error body, for the API docs. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable UPPER_SNAKE code' })
  code: string;

  @ApiProperty({ example: 'Request validation failed' })
  message: string;

  @ApiProperty({ example: '7f1c2b1e-4a55-4c8e-9d43-2b9a0e7f3c11' })
  requestId: string;

  @ApiPropertyOptional({ type: [Object], example: ['property isAdmin should not exist'] })
  details?: unknown[];
}

const ERROR_EXAMPLES: Record<string, { code: string; message: string; details?: unknown[] }> = {
  '400': {
    code: 'VALIDATION_FAILED',
    message: 'Request validation failed',
    details: ['property isAdmin should not exist'],
  },
  '401': { code: 'UNAUTHORIZED', message: 'Authentication required' },
  '429': { code: 'RATE_LIMITED', message: 'Too many requests; try again later' },
  '500': { code: 'INTERNAL_ERROR', message: 'Internal server error' },
};

/**
 * Every operation documents the errors any route can give (400 for bodies, 401 unless public,
 * 429, 500), each with an example, so individual controllers only describe their own outcomes.
 */
export function addCommonErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  const ref = { $ref: '#/components/schemas/ErrorResponseDto' };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const statuses = ['500'];
      if (!path.startsWith('/health') && !path.startsWith('/metrics')) statuses.push('429');
      if (method !== 'get' && method !== 'delete') statuses.push('400');
      if (op.security?.length) statuses.push('401');
      for (const status of statuses) {
        if (op.responses[status]) continue;
        const ex = ERROR_EXAMPLES[status];
        op.responses[status] = {
          description: ex.code,
          content: {
            'application/json': {
              schema: ref,
              example: { statusCode: Number(status), ...ex, requestId: 'req-123' },
            },
          },
        };
      }
    }
  }
  return doc;
}

/** The document's `info.version`: the API's version, not the build's, so the committed file stays stable. */
export const API_DOCUMENT_VERSION = '1.0.0';

/** The OpenAPI document of the app (also what `npm run openapi:generate` commits as openapi.json). */
export function buildApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('iAyos Payments')
    .setDescription(
      'Wallets on a double-entry ledger, gateway deposits and webhooks, escrow and payouts. ' +
        'Money is integer centavos. Errors: `{statusCode, code, message, requestId, details?}`. ' +
        'Every list answers `{data: [...], nextCursor}`. Realtime events: `/docs/asyncapi.yaml`.',
    )
    .setVersion(version)
    .addBearerAuth()
    .addCookieAuth('access')
    .build();
  return addUnavailableResponses(
    applyErrorFamilies(
      addCommonErrorResponses(
        applyOperationDocs(
          SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] }),
        ),
      ),
    ),
  );
}

/** The realtime events' AsyncAPI document, kept at the repository root next to openapi.json. */
export const ASYNCAPI_FILE = join(__dirname, '..', '..', '..', 'asyncapi.yaml');

/** `/docs` and `/docs-json`, unless turned off (production default; `API_DOCS_ENABLED`). */
export function setupApiDocs(app: NestExpressApplication, cfg: AppConfig): void {
  if (!cfg.exposure.docsEnabled) return;
  // Next to the OpenAPI UI, outside production: where a frontend developer looks for the events.
  if (!cfg.app.isProduction && existsSync(ASYNCAPI_FILE)) {
    const asyncapi = readFileSync(ASYNCAPI_FILE, 'utf8');
    app.use('/docs/asyncapi.yaml', (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      res.type('application/yaml').send(asyncapi);
    });
  }
  SwaggerModule.setup('docs', app, () => buildApiDocument(app, API_DOCUMENT_VERSION), {
    jsonDocumentUrl: 'docs-json',
  });
}
