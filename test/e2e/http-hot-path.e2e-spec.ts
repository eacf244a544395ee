import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, registerUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/** Behaviour kept while the per-request work was cut (ADR 0050). */
describe('HTTP hot path (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  const entries = () =>
    lines
      .flatMap((l) => l.split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        LOG_LEVEL: 'info',
        RATE_LIMIT_DISABLED: 'false',
        CORS_ORIGINS: 'https://app.example.com',
      },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  afterAll(() => t.close());

  it('should answer /me from one lookup with exactly the stored profile, and 401 once the account is gone', async () => {
    const u = await registerUser(t.url, 'WORKER', { name: 'Hot Path' });
    const [row] = await t.app
      .get(DataSource)
      .query<Array<{ created_at: Date }>>('SELECT created_at FROM users WHERE id = $1', [u.id]);
    const me = await request(t.url).get('/api/auth/me').set(bearer(u)).expect(200);
    expect(me.body).toEqual({
      id: u.id,
      email: u.email,
      name: 'Hot Path',
      role: 'WORKER',
      createdAt: row.created_at.toISOString(),
    });

    await t.app.get(DataSource).query('DELETE FROM refresh_tokens WHERE user_id = $1', [u.id]);
    await t.app.get(DataSource).query('DELETE FROM users WHERE id = $1', [u.id]);
    const gone = await request(t.url)
      .get('/api/auth/me')
      .set(bearer(u))
      .set('X-Request-ID', 'hot-gone-1')
      .expect(401);
    // The session check is cached for a few seconds: within them the handler finds no account,
    // after them the guard finds no session. Either way the same 401.
    expect(gone.body).toEqual({
      statusCode: 401,
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(
        /^(Account no longer exists|Session has ended; sign in again)$/,
      ),
      requestId: 'hot-gone-1',
    });
  });

  it('should keep request ids, security headers and metrics on probes, without a request log line', async () => {
    const res = await request(t.url)
      .get('/health/live')
      .set('X-Request-ID', 'hot-probe-1')
      .expect(200);
    expect(res.headers['x-request-id']).toBe('hot-probe-1');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    await request(t.url).get('/metrics').set('X-Request-ID', 'hot-scrape-1').expect(200);
    const metrics = await request(t.url).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} [1-9]/,
    );
    expect(lines.join('')).not.toContain('hot-probe-1');
    expect(lines.join('')).not.toContain('hot-scrape-1');
  });

  it('should answer liveness at the edge with the bytes the controller route sends, 304 included', async () => {
    // A query string is not the probe's exact URL: the documented controller route answers it.
    const edge = await request(t.url).get('/health/live').expect(200);
    const routed = await request(t.url).get('/health/live?via=controller').expect(200);
    for (const h of ['content-type', 'content-length', 'etag'])
      expect([h, edge.headers[h]]).toEqual([h, routed.headers[h]]);
    expect(edge.text).toBe(routed.text);
    expect(edge.body).toEqual({ status: 'ok' });
    const etag = String(edge.headers.etag);
    expect(etag).toMatch(/^W\/"/);
    const fresh = await request(t.url).get('/health/live').set('If-None-Match', etag).expect(304);
    expect(fresh.text).toBe('');
    expect(fresh.headers['content-type']).toBeUndefined();
    expect(fresh.headers['x-request-id']).toEqual(expect.any(String));
    await request(t.url).get('/health/live').set('If-None-Match', 'W/"other"').expect(200);
  });

  it('should still log other requests with their id and count them in their own category', async () => {
    const u = await registerUser(t.url);
    const first = await request(t.url)
      .get('/api/auth/me')
      .set(bearer(u))
      .set('X-Request-ID', 'hot-me-1')
      .expect(200);
    const second = await request(t.url).get('/api/auth/me').set(bearer(u)).expect(200);
    expect(first.headers['x-ratelimit-limit']).toBe('100');
    expect(first.headers['x-ratelimit-remaining']).toBe('99');
    expect(second.headers['x-ratelimit-remaining']).toBe('98');
    const line = entries().find((e) => e.requestId === 'hot-me-1' && e.msg === 'request completed');
    expect(line).toMatchObject({ userId: u.id, route: '/api/auth/me', res: { statusCode: 200 } });
  });

  it('should answer CORS for allowed origins only', async () => {
    const allowed = await request(t.url)
      .get('/health/live')
      .set('Origin', 'https://app.example.com')
      .expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await request(t.url)
      .get('/health/live')
      .set('Origin', 'https://evil.example.com')
      .expect(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('HTTP hot path without CORS origins and with LOG_LEVEL=warn (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { LOG_LEVEL: 'warn', CORS_ORIGINS: undefined },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  afterAll(() => t.close());

  it('should send no CORS headers and write no completion lines', async () => {
    const u = await registerUser(t.url);
    const res = await request(t.url)
      .get('/api/auth/me')
      .set(bearer(u))
      .set('Origin', 'https://app.example.com')
      .expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(lines.join('')).not.toContain('request completed');
  });
});
