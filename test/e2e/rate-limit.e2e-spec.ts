import request from 'supertest';
import { UsersService } from 'src/modules/users/users.service';
import { bearer, registerUser } from '../support/auth-helpers';
import { createTestApp, freePort, TestApp } from '../support/test-app';

const LIMITED = { RATE_LIMIT_DISABLED: 'false' };

async function seedUser(t: TestApp, email: string) {
  await t.app
    .get(UsersService)
    .create({ email, password: 'long enough password', name: 'R', role: 'CLIENT' });
  return { email, password: 'long enough password' };
}

const login = (url: string, body: object, headers: Record<string, string> = {}) =>
  request(url).post('/api/auth/login').set(headers).send(body);

describe('Rate limits (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await createTestApp({ env: LIMITED });
    // A second instance on the same database and the same Redis key space.
    b = await createTestApp({
      env: LIMITED,
      databaseUrl: a.databaseUrl,
      redisPrefix: a.redisPrefix,
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('should refuse the 6th login within a minute with 429 RATE_LIMITED and Retry-After', async () => {
    const u = await seedUser(a, 'rl-login@example.com');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(a.url, u)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const sixth = await login(a.url, u).expect(429);
    expect(sixth.body).toEqual({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: expect.any(String),
      requestId: sixth.headers['x-request-id'],
    });
    const retryAfter = Number(sixth.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Only one standard set of headers, not one per category.
    expect(Object.keys(sixth.headers).filter((h) => h.startsWith('x-ratelimit-'))).toEqual(
      expect.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']),
    );
    expect(Object.keys(sixth.headers).some((h) => /-(auth|api_read|api_write)$/.test(h))).toBe(
      false,
    );
  });

  it('should share one count across two instances on the same Redis', async () => {
    // Different client "IPs" are not possible from one test host, so use a fresh app pair's budget:
    // the previous test exhausted 127.0.0.1's auth budget on both instances.
    const onB = await login(b.url, { email: 'rl-login@example.com', password: 'x'.repeat(12) });
    expect(onB.status).toBe(429);
    expect(onB.body.code).toBe('RATE_LIMITED');
  });

  it('should count register/login/refresh in one auth budget and key api_read by user', async () => {
    const c = await createTestApp({ env: LIMITED });
    const d = await createTestApp({
      env: LIMITED,
      databaseUrl: c.databaseUrl,
      redisPrefix: c.redisPrefix,
    });
    try {
      const u1 = await registerUser(c.url); // auth 1 (on c)
      const u2 = await registerUser(d.url); // auth 2 (on d)
      await login(c.url, { email: u1.email, password: u1.password }).expect(200); // 3
      await login(d.url, { email: u2.email, password: u2.password }).expect(200); // 4
      await request(c.url)
        .post('/api/auth/refresh')
        .send({ refreshToken: u1.refreshToken })
        .expect(200); // 5
      await request(d.url)
        .post('/api/auth/register')
        .send({ email: 'six@example.com', password: 'long enough pw', name: 'S', role: 'CLIENT' })
        .expect(429);

      // api_read: 100/min per user, counted across both instances; another user is unaffected.
      const me = (url: string, u: { accessToken: string }) =>
        request(url).get('/api/auth/me').set(bearer(u));
      const first = await me(c.url, u1).expect(200);
      expect(first.headers['x-ratelimit-limit']).toBe('100');
      expect(first.headers['x-ratelimit-remaining']).toBe('99');
      const results = await Promise.all(
        Array.from({ length: 99 }, (_, i) => me(i % 2 ? c.url : d.url, u1).then((r) => r.status)),
      );
      expect(results.filter((s) => s === 200)).toHaveLength(99);
      const over = await me(d.url, u1).expect(429);
      expect(over.body.code).toBe('RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await me(c.url, u2).expect(200);
    } finally {
      await d.close();
      await c.close();
    }
  });

  it('should limit requests that fail authentication by IP, without touching users on that IP', async () => {
    const e = await createTestApp({ env: LIMITED });
    try {
      const u = await registerUser(e.url);
      const bad = await Promise.all(
        Array.from({ length: 100 }, () =>
          request(e.url)
            .get('/api/auth/me')
            .set('Authorization', 'Bearer forged.token.value')
            .then((r) => r.status),
        ),
      );
      expect(bad.filter((s) => s === 401)).toHaveLength(100);
      const over = await request(e.url)
        .get('/api/auth/me')
        .set('Authorization', 'Bearer forged.token.value')
        .expect(429);
      expect(over.body.code).toBe('RATE_LIMITED');
      await request(e.url).get('/api/auth/me').expect(429);
      // A signed-in user behind the same IP has a budget of their own.
      await request(e.url).get('/api/auth/me').set(bearer(u)).expect(200);
    } finally {
      await e.close();
    }
  });

  it('should not limit health and metrics routes', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 110 }, (_, i) =>
        request(a.url)
          .get(i % 2 ? '/health/live' : '/metrics')
          .then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const live = await request(a.url).get('/health/live').expect(200);
    expect(live.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('should be off with RATE_LIMIT_DISABLED=true', async () => {
    const off = await createTestApp({ env: { RATE_LIMIT_DISABLED: 'true' } });
    try {
      const u = await seedUser(off, 'rl-off@example.com');
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await login(off.url, u)).status);
      expect(statuses).toEqual(Array(8).fill(200));
    } finally {
      await off.close();
    }
  });

  it('should ignore X-Forwarded-For unless the peer is a trusted proxy', async () => {
    const direct = await createTestApp({ env: LIMITED });
    const proxied = await createTestApp({ env: { ...LIMITED, TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const body = { email: 'nobody@example.com', password: 'wrong password' };
      // Untrusted peer: spoofed X-Forwarded-For values all count against the real peer address.
      const spoofed: number[] = [];
      for (let i = 0; i < 6; i++)
        spoofed.push(
          (await login(direct.url, body, { 'X-Forwarded-For': `203.0.113.${i}` })).status,
        );
      expect(spoofed).toEqual([401, 401, 401, 401, 401, 429]);
      // Behind a trusted proxy each forwarded client has its own budget.
      const viaProxy: number[] = [];
      for (let i = 0; i < 6; i++)
        viaProxy.push(
          (await login(proxied.url, body, { 'X-Forwarded-For': '203.0.113.7' })).status,
        );
      expect(viaProxy).toEqual([401, 401, 401, 401, 401, 429]);
      // Another client has its own budget (another email too: the first one's is spent as well).
      await login(
        proxied.url,
        { ...body, email: 'somebody@example.com' },
        { 'X-Forwarded-For': '203.0.113.8' },
      ).expect(401);
    } finally {
      await proxied.close();
      await direct.close();
    }
  });

  it('should fall back to per-instance limits when Redis is unreachable', async () => {
    const port = await freePort();
    const lone = await createTestApp({
      env: { ...LIMITED, REDIS_URL: `redis://127.0.0.1:${port}/0` },
    });
    try {
      const body = { email: 'nobody@example.com', password: 'wrong password' };
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await login(lone.url, body)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      await lone.close();
    }
  });

  it('should key login by client IP even with a valid Bearer token, and by the target email across IPs', async () => {
    const g = await createTestApp({ env: { ...LIMITED, TRUSTED_PROXIES: '127.0.0.1' } });
    try {
      const victim = await seedUser(g, 'rl-victim@example.com');
      // The attacker's own accounts supply valid Bearer tokens (one per guess would do; two show it).
      const attackers = [await registerUser(g.url, 'CLIENT'), await registerUser(g.url, 'CLIENT')];
      let n = 0;
      const guess = (ip: string, email = victim.email) =>
        login(
          g.url,
          { email, password: 'wrong guess 123' },
          { ...bearer(attackers[n++ % 2]), 'X-Forwarded-For': ip },
        ).then((r) => r.status);
      const fromOneIp: number[] = [];
      for (let i = 0; i < 6; i++) fromOneIp.push(await guess('198.51.100.10', `x${i}@example.com`));
      expect(fromOneIp).toEqual([401, 401, 401, 401, 401, 429]);
      // One account from many addresses: the email's budget runs out.
      const spread: number[] = [];
      for (let i = 0; i < 6; i++) spread.push(await guess(`198.51.100.${20 + i}`));
      expect(spread).toEqual([401, 401, 401, 401, 401, 429]);
      // Same email in another case and with spaces is the same account.
      expect(await guess('198.51.100.40', '  RL-Victim@Example.com ')).toBe(429);
      // Another account from a fresh address is unaffected.
      expect(await guess('198.51.100.41', 'someone-else@example.com')).toBe(401);
    } finally {
      await g.close();
    }
  });

  it('should count job payments in the payment budget shared with deposits', async () => {
    const j = await createTestApp({ env: LIMITED });
    try {
      const u = await registerUser(j.url, 'CLIENT');
      const job = '00000000-0000-4000-8000-000000000001';
      const pay = (step: string) =>
        request(j.url)
          .post(`/api/jobs/${job}/${step}`)
          .set(bearer(u))
          .set('Idempotency-Key', `k-${step}-${Math.random()}`)
          .send({ method: 'WALLET' });
      const first = await pay('downpayment');
      expect(first.status).toBe(404);
      expect(first.headers['x-ratelimit-limit']).toBe('5');
      for (let i = 0; i < 3; i++) expect((await pay('approve-completion')).status).toBe(404);
      await request(j.url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .set('Idempotency-Key', 'k-deposit-1')
        .send({ amount: 0 })
        .expect(400); // the 5th payment-category request of this user
      const over = await pay('downpayment');
      expect(over.status).toBe(429);
      expect(over.body.code).toBe('RATE_LIMITED');
    } finally {
      await j.close();
    }
  });
});
