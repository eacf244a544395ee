import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { NEVER_DATABASE_UNAVAILABLE } from 'src/common/http/openapi/unavailable-responses';
import { createTestApp, TestApp } from '../support/test-app';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<
    string,
    {
      description?: string;
      headers?: Record<string, unknown>;
      content?: Record<string, { example?: unknown; schema?: unknown }>;
    }
  >;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties: Record<string, { example?: unknown }> }> };
}

describe('API docs (e2e)', () => {
  let t: TestApp;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await request(t.url).get('/docs-json').expect(200)).body as OpenApiDoc;
  });
  afterAll(() => t.close());

  it('should serve exactly the committed openapi.json at /docs-json', () => {
    const committed = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'openapi.json'), 'utf8'),
    ) as OpenApiDoc;
    expect(doc).toEqual(committed);
  });

  it('should serve the realtime events (AsyncAPI) next to the docs outside production', async () => {
    const res = await request(t.url).get('/docs/asyncapi.yaml').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/yaml/);
    expect(res.text).toBe(readFileSync(join(__dirname, '..', '..', 'asyncapi.yaml'), 'utf8'));
  });

  it('should serve the UI at /docs', async () => {
    const res = await request(t.url).get('/docs').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('swagger-ui');
  });

  it('should list the auth and health routes', () => {
    const routes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/auth/register',
        'POST /api/auth/login',
        'POST /api/auth/refresh',
        'POST /api/auth/logout',
        'GET /api/auth/me',
        'GET /health/live',
        'GET /health/ready',
        'GET /health/status',
      ]),
    );
  });

  it('should describe every operation with a summary, a success response and error examples', () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, summary: typeof op.summary }).toEqual({ where, summary: 'string' });
        const success = Object.keys(op.responses).filter((s) => /^2\d\d$/.test(s));
        expect({ where, success: success.length > 0 }).toEqual({ where, success: true });
        expect({ where, has500: !!op.responses['500']?.content }).toEqual({ where, has500: true });
        // Every operation that can meet a database outage says so: 503 SERVICE_UNAVAILABLE in the
        // error shape, with Retry-After (the three health routes answer an outage their own way).
        const unavailable = op.responses['503'];
        const codes = (unavailable?.description ?? '').split(', ');
        const documented = {
          where,
          has503: !!unavailable,
          serviceUnavailable: codes.includes('SERVICE_UNAVAILABLE'),
          retryAfter: !!unavailable?.headers?.['Retry-After'],
          errorShape: unavailable?.content?.['application/json']?.schema,
        };
        if (where in NEVER_DATABASE_UNAVAILABLE) expect(documented.serviceUnavailable).toBe(false);
        else
          expect(documented).toEqual({
            where,
            has503: true,
            serviceUnavailable: true,
            retryAfter: true,
            errorShape: { $ref: '#/components/schemas/ErrorResponseDto' },
          });
      }
    }
    expect(Object.keys(NEVER_DATABASE_UNAVAILABLE).sort()).toEqual([
      'GET /health/live',
      'GET /health/ready',
      'GET /health/status',
    ]);
    // Gateway routes list the gateway's outage next to the database's.
    for (const [method, path] of [
      ['post', '/api/wallet/deposit'],
      ['post', '/api/wallet/withdraw'],
      ['post', '/api/payment-methods'],
      ['post', '/api/jobs/{id}/downpayment'],
      ['post', '/api/jobs/{id}/approve-completion'],
    ])
      expect(doc.paths[path][method].responses['503'].description).toBe(
        'PROVIDER_UNAVAILABLE, SERVICE_UNAVAILABLE',
      );
    expect(
      doc.paths['/api/wallet'].get.responses['503'].content?.['application/json'].example,
    ).toEqual({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable; retry later',
      requestId: 'req-123',
    });
    expect(
      doc.paths['/api/auth/me'].get.responses['401'].content?.['application/json'].example,
    ).toEqual(expect.objectContaining({ code: 'UNAUTHORIZED', statusCode: 401 }));
    expect(doc.paths['/api/auth/login'].post.responses['429']).toBeDefined();
    expect(doc.paths['/health/live'].get.responses['429']).toBeUndefined();
  });

  it('should give request and response bodies examples', () => {
    for (const name of [
      'RegisterDto',
      'LoginDto',
      'AuthResultDto',
      'UserResponseDto',
      'ErrorResponseDto',
    ]) {
      const schema = doc.components.schemas[name];
      expect(schema).toBeDefined();
      for (const [prop, def] of Object.entries(schema.properties))
        if (!('$ref' in def) && !('allOf' in def))
          expect({ name, prop, example: def.example !== undefined }).toEqual({
            name,
            prop,
            example: true,
          });
    }
    expect(
      doc.paths['/health/status'].get.responses['200'].content?.['application/json'],
    ).toMatchObject({
      schema: { type: 'object' },
      example: { status: 'healthy', checks: { cache_stats: { hit_rate: 0.8 } } },
    });
  });
});
