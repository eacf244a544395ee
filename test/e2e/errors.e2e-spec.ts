import request from 'supertest';
import { createTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Errors, validation and request ids (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const expectErrorShape = (res: request.Response, statusCode: number, code: string) => {
    expect(res.status).toBe(statusCode);
    expect(res.body).toMatchObject({ statusCode, code, message: expect.any(String) });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(
      Object.keys(res.body).every((k) =>
        ['statusCode', 'code', 'message', 'requestId', 'details'].includes(k),
      ),
    ).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+|stack/i);
  };

  it('should reject unknown body fields with 400 VALIDATION_FAILED and name them', async () => {
    const res = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'long enough pw', isAdmin: true });
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual(['property isAdmin should not exist']);
  });

  it('should reject wrong types and missing fields with 400 and details per problem', async () => {
    const res = await request(t.url)
      .post('/api/auth/register')
      .send({ email: 12345, password: ['x'], name: 'N', role: 'CLIENT' });
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^email /),
        expect.stringMatching(/^password /),
      ]),
    );
    const missing = await request(t.url).post('/api/auth/login').send({});
    expectErrorShape(missing, 400, 'VALIDATION_FAILED');
    expect(missing.body.details.length).toBeGreaterThanOrEqual(2);
  });

  it('should reject a JSON array or scalar instead of an object', async () => {
    const arr = await request(t.url)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('[{"email":"a@example.com","password":"long enough pw"}]');
    expect(arr.status).toBe(400);
    expect(arr.body.requestId).toBe(arr.headers['x-request-id']);
    const scalar = await request(t.url)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('"just a string"');
    expectErrorShape(scalar, 400, 'INVALID_JSON');
  });

  it('should answer malformed JSON with 400 INVALID_JSON', async () => {
    const res = await request(t.url)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@example.com", "password": ');
    expectErrorShape(res, 400, 'INVALID_JSON');
    expect(res.body.details).toBeUndefined();
  });

  it('should answer a body over 100 kb with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'x'.repeat(101 * 1024) });
    expectErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
    // Just under the limit is parsed (and then validated normally).
    const ok = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'a@example.com', password: 'x'.repeat(90 * 1024) });
    expect(ok.status).not.toBe(413);
  });

  it('should give unknown routes and missing credentials the same error shape', async () => {
    expectErrorShape(await request(t.url).get('/api/nope'), 404, 'NOT_FOUND');
    expectErrorShape(await request(t.url).get('/api/auth/me'), 401, 'UNAUTHORIZED');
    expectErrorShape(
      await request(t.url).get('/api/auth/me').set('Authorization', 'Bearer not.a.jwt'),
      401,
      'UNAUTHORIZED',
    );
  });

  it('should echo a well-formed X-Request-ID and replace a malformed one', async () => {
    const mine = await request(t.url).get('/health/live').set('X-Request-ID', 'client-abc.123:x_y');
    expect(mine.headers['x-request-id']).toBe('client-abc.123:x_y');
    const err = await request(t.url).get('/api/auth/me').set('X-Request-ID', 'trace-42');
    expect(err.headers['x-request-id']).toBe('trace-42');
    expect(err.body.requestId).toBe('trace-42');
    for (const bad of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const res = await request(t.url).get('/api/auth/me').set('X-Request-ID', bad);
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    }
    const none = await request(t.url).get('/health/live');
    expect(none.headers['x-request-id']).toMatch(UUID);
  });

  it('should set the security headers', async () => {
    const res = await request(t.url).get('/health/live').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
