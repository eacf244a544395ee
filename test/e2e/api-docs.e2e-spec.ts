import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { example?: unknown; schema?: unknown }> }>;
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
      }
    }
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
