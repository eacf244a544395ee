import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_DOCUMENT_VERSION } from '../common/http/api-docs';
import { NEVER_DATABASE_UNAVAILABLE } from '../common/http/openapi/unavailable-responses';
import { generateApiDocument, serializeApiDocument } from './api-document';

type Media = { schema?: { $ref?: string; type?: string }; example?: unknown };
type Response = {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, Media>;
};
type Op = { summary?: string; responses: Record<string, Response> };

const COMMITTED = join(__dirname, '..', '..', 'openapi.json');

describe('The API document', () => {
  let doc: OpenAPIObject;
  beforeAll(async () => {
    doc = await generateApiDocument(API_DOCUMENT_VERSION);
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Op>).map(([method, op]) => ({
        where: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );

  it('should document every success body with a schema and an example', () => {
    const problems: string[] = [];
    for (const { where, op } of operations()) {
      const success = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (success.length !== 1) problems.push(`${where}: ${success.length} success statuses`);
      for (const [status, r] of success) {
        if (status === '204') {
          if (r.content) problems.push(`${where}: 204 with a body`);
          continue;
        }
        const media = r.content?.['application/json'];
        if (!media?.schema) problems.push(`${where}: ${status} without a schema`);
        if (media?.example === undefined) problems.push(`${where}: ${status} without an example`);
      }
      if (!op.summary) problems.push(`${where}: no summary`);
    }
    expect(problems).toEqual([]);
  });

  it('should document every error status in the error shape with an example code', () => {
    const problems: string[] = [];
    for (const { where, op } of operations())
      for (const [status, r] of Object.entries(op.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        const media = r.content?.['application/json'];
        const example = media?.example as { statusCode?: number; code?: string } | undefined;
        if (media?.schema?.$ref !== '#/components/schemas/ErrorResponseDto')
          problems.push(`${where}: ${status} not in the error shape`);
        if (example?.statusCode !== Number(status) || !/^[A-Z][A-Z0-9_]+$/.test(example.code ?? ''))
          problems.push(`${where}: ${status} example lacks statusCode/code`);
      }
    expect(problems).toEqual([]);
  });

  it('should document the database outage (503 SERVICE_UNAVAILABLE, Retry-After) on every operation that can meet it', () => {
    const problems: string[] = [];
    for (const { where, op } of operations()) {
      const r = op.responses['503'];
      const codes = (r?.description ?? '').split(', ');
      if (where in NEVER_DATABASE_UNAVAILABLE) {
        if (codes.includes('SERVICE_UNAVAILABLE')) problems.push(`${where}: exempt but listed`);
        continue;
      }
      if (!r) problems.push(`${where}: no 503`);
      else if (!codes.includes('SERVICE_UNAVAILABLE'))
        problems.push(`${where}: 503 without SERVICE_UNAVAILABLE`);
      else if (!r.headers?.['Retry-After']) problems.push(`${where}: 503 without Retry-After`);
    }
    expect(problems).toEqual([]);
    const responses = (where: string) => {
      const [method, path] = where.split(' ');
      return (doc.paths[path] as Record<string, Op>)[method.toLowerCase()].responses;
    };
    expect(responses('POST /api/wallet/withdraw')['503'].description).toBe(
      'PROVIDER_UNAVAILABLE, SERVICE_UNAVAILABLE',
    );
    expect(responses('GET /api/wallet')['503'].content?.['application/json'].example).toEqual({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable; retry later',
      requestId: 'req-123',
    });
  });

  it('should list the statuses routes are known to answer', () => {
    const statuses = (where: string) => {
      const [method, path] = where.split(' ');
      return Object.keys(
        (doc.paths[path] as Record<string, Op>)[method.toLowerCase()].responses,
      ).sort();
    };
    expect(statuses('POST /api/wallet/deposit')).toEqual(
      ['201', '400', '401', '403', '409', '413', '415', '422', '429', '500', '502', '503'].sort(),
    );
    expect(statuses('GET /api/admin/withdrawals')).toEqual(
      ['200', '400', '401', '403', '429', '500', '503'].sort(),
    );
    expect(statuses('POST /api/jobs/{id}/downpayment')).toEqual(
      expect.arrayContaining(['403', '404', '409', '422', '503']),
    );
    const deposit = (doc.paths['/api/wallet/deposit'] as Record<string, Op>).post.responses['201'];
    expect(deposit.content?.['application/json'].example).toMatchObject({
      checkoutUrl: expect.stringContaining('/checkout') as unknown,
    });
  });

  it('should answer every list route with {data, nextCursor}', () => {
    for (const { where, op } of operations()) {
      if (!where.startsWith('GET ') || where.includes('{')) continue;
      const example = op.responses['200'].content?.['application/json'].example;
      if (!Array.isArray((example as { data?: unknown })?.data)) continue;
      expect({ where, keys: Object.keys(example as object).sort() }).toEqual({
        where,
        keys: ['data', 'nextCursor'],
      });
    }
  });

  it('should match the committed openapi.json (run `npm run openapi:generate` after API changes)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(serializeApiDocument(doc));
  });
});
