import request from 'supertest';
import { bearer, registerUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

describe('Logs and metrics (e2e)', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    t = await createTestApp({
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  afterAll(() => t.close());

  const logs = () => lines.join('');
  const entries = () =>
    lines
      .flatMap((l) => l.split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('should log requests as JSON with request id, user, route, status and latency, and never credentials', async () => {
    const password = 'Sup3r-Secret-Passw0rd!';
    const u = await registerUser(t.url, 'CLIENT', { password });
    const login = await request(t.url)
      .post('/api/auth/login')
      .set('X-Request-ID', 'obs-login-1')
      .send({ email: u.email, password })
      .expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[]).join('; ');
    await request(t.url)
      .get('/api/auth/me?token=query-secret-value')
      .set(bearer(u))
      .set('Cookie', cookie)
      .set('X-Request-ID', 'obs-me-1')
      .expect(200);
    await request(t.url)
      .post('/api/auth/login')
      .set('X-Request-ID', 'obs-bad-1')
      .send({ email: u.email, password: 'wrong-but-still-secret-pw' })
      .expect(401);

    const text = logs();
    expect(text).toContain('obs-login-1');
    expect(text).toContain('obs-me-1');
    for (const secret of [
      password,
      'wrong-but-still-secret-pw',
      u.accessToken,
      u.refreshToken,
      login.body.accessToken as string,
      login.body.refreshToken as string,
      'query-secret-value',
    ])
      expect(text).not.toContain(secret);

    const me = entries().find((e) => e.requestId === 'obs-me-1' && e.msg === 'request completed');
    expect(me).toMatchObject({
      requestId: 'obs-me-1',
      userId: u.id,
      route: '/api/auth/me',
      req: {
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: '[REDACTED]', cookie: '[REDACTED]' },
      },
      res: { statusCode: 200 },
    });
    expect(typeof me?.responseTime).toBe('number');
    const bad = entries().find((e) => e.requestId === 'obs-bad-1');
    expect(bad).toMatchObject({ res: { statusCode: 401 } });
  });

  it('should expose HTTP histograms by route template and status, process and DB pool metrics', async () => {
    const u = await registerUser(t.url);
    await request(t.url).get('/api/auth/me').set(bearer(u)).expect(200);
    await request(t.url).get('/api/auth/me').expect(401);
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status="200"\} \d+$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="GET",route="\/api\/auth\/me",status="401"\} \d+$/m,
    );
    expect(text).toMatch(
      /^http_request_duration_seconds_count\{method="POST",route="\/api\/auth\/register",status="201"\} \d+$/m,
    );
    // Unknown paths collapse into one label value, so scanners cannot blow up cardinality.
    await request(t.url).get('/no/such/path/123').expect(404);
    const after = (await request(t.url).get('/metrics')).text;
    expect(after).not.toContain('/no/such/path');
    expect(after).toMatch(/route="unmatched",status="404"/);
    // @Timed operations (auth.register/login use it) with their outcome.
    expect(text).toMatch(
      /^operation_duration_seconds_count\{name="auth.register",outcome="ok"\} [1-9]\d*$/m,
    );
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(text).toMatch(/^db_pool_connections\{state="total"\} [1-9]\d*$/m);
    expect(text).toMatch(/^db_pool_connections\{state="idle"\} \d+$/m);
    expect(text).toMatch(/^db_pool_connections\{state="waiting"\} 0$/m);
    expect(text).toMatch(/^db_pool_connections\{state="max"\} 10$/m);
  });
});
