import { Client } from 'pg';
import request from 'supertest';
import { QueryCacheService } from 'src/common/cache/query-cache.service';
import { drainAndClose } from 'src/common/shutdown/drain';
import { ShutdownState } from 'src/common/shutdown/shutdown-state';
import { HealthStatusService } from 'src/modules/health/health-status.service';
import { DataSource } from 'typeorm';
import { registerUser } from '../support/auth-helpers';
import { createTestApp, freePort, TestApp } from '../support/test-app';

/** Blocks new connections to the app's database and drops the open ones: the database is "down". */
async function setDatabaseAllowed(databaseUrl: string, allowed: boolean): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const admin = new Client({ connectionString: process.env.TEST_DATABASE_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allowed}`);
    if (!allowed)
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
  } finally {
    await admin.end();
  }
}

const STATUS_SHAPE = {
  status: expect.any(String),
  checks: {
    database: expect.any(String),
    database_latency_ms: expect.any(Number),
    cache: expect.any(String),
    cache_latency_ms: expect.any(Number),
    cache_stats: {
      hits: expect.any(Number),
      misses: expect.any(Number),
      hit_rate: expect.any(Number),
      keys_count: expect.any(Number),
    },
    // One breaker per payment gateway, closed while nothing failed.
    circuit_breakers: [
      { name: 'paymongo', state: 'closed', failure_count: 0 },
      { name: 'xendit', state: 'closed', failure_count: 0 },
    ],
    // Where new checkouts go (ADR 0086): the primary, failover off by default.
    gateway_routing: {
      primary: 'paymongo',
      failover_enabled: false,
      current: 'paymongo',
      failed_over: false,
    },
  },
  version: expect.any(String),
  uptime_s: expect.any(Number),
};

async function statusUntil(
  url: string,
  done: (body: { status: string }) => boolean,
): Promise<request.Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await request(url).get('/health/status').expect(200);
    if (done(res.body as { status: string }) || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('Health (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('should be live and ready with database and Redis up, and report healthy status', async () => {
    expect((await request(t.url).get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' } },
    });
    const status = await request(t.url).get('/health/status').expect(200);
    expect(status.body).toEqual(STATUS_SHAPE);
    expect(Object.keys(status.body).sort()).toEqual(['checks', 'status', 'uptime_s', 'version']);
    expect(status.body.status).toBe('healthy');
    expect(status.body.checks.database).toBe('up');
    expect(status.body.checks.cache).toBe('up');
  });

  it('should turn readiness 503 (liveness 200) while the database is down, and recover', async () => {
    await setDatabaseAllowed(t.databaseUrl, false);
    try {
      const ready = await request(t.url).get('/health/ready').expect(503);
      expect(ready.body).toEqual({
        statusCode: 503,
        code: 'NOT_READY',
        message: expect.any(String),
        requestId: ready.headers['x-request-id'],
        details: [{ dependency: 'database', status: 'down' }],
      });
      await request(t.url).get('/health/live').expect(200);
      // Probes are cached for a second: poll until the outage shows.
      const status = await statusUntil(t.url, (b) => b.status === 'unhealthy');
      expect(status.body).toEqual(STATUS_SHAPE);
      expect(status.body.status).toBe('unhealthy');
      expect(status.body.checks.database).toBe('down');
      // A request needing the database is an outage, not a bug: 503 with Retry-After, no internals.
      const reg = await request(t.url)
        .post('/api/auth/register')
        .send({ email: 'down@example.com', password: 'long enough pw', name: 'D', role: 'CLIENT' });
      expect(reg.status).toBe(503);
      expect(reg.headers['retry-after']).toBe('5');
      expect(reg.body).toEqual({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: expect.any(String),
        requestId: reg.headers['x-request-id'],
      });
    } finally {
      await setDatabaseAllowed(t.databaseUrl, true);
    }
    await request(t.url).get('/health/ready').expect(200);
  });

  it('should turn readiness 503 once shutdown begins', async () => {
    const s = await createTestApp({ databaseUrl: t.databaseUrl });
    try {
      await request(s.url).get('/health/ready').expect(200);
      s.app.get(ShutdownState).begin();
      const ready = await request(s.url).get('/health/ready').expect(503);
      expect(ready.body.code).toBe('SHUTTING_DOWN');
      await request(s.url).get('/health/live').expect(200);
      expect((await request(s.url).get('/health/status')).body.status).toBe('unhealthy');
    } finally {
      await s.close();
    }
  });
});

describe('Graceful shutdown (e2e)', () => {
  it('should stop accepting connections, finish the in-flight request, then close the pools', async () => {
    const s = await createTestApp();
    const locker = new Client({ connectionString: s.databaseUrl });
    await locker.connect();
    let closed = false;
    try {
      // Hold the users table so a registration is provably in flight when shutdown starts.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE users IN EXCLUSIVE MODE');
      const inFlight = request(s.url)
        .post('/api/auth/register')
        .send({ email: 'late@example.com', password: 'long enough pw', name: 'L', role: 'CLIENT' })
        .then((r) => r);
      const dbName = new URL(s.databaseUrl).pathname.slice(1);
      for (;;) {
        const { rows } = await locker.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
          [dbName],
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const state = s.app.get(ShutdownState);
      expect(state.inFlightRequests).toBe(1);
      const closing = drainAndClose(s.app, 0).then(() => {
        closed = true;
      });
      expect(state.isShuttingDown).toBe(true);
      await expect(request(s.url).get('/health/live')).rejects.toThrow(/ECONNREFUSED/);
      expect(closed).toBe(false);
      await locker.query('COMMIT');
      const res = await inFlight;
      expect(res.status).toBe(201);
      expect(res.headers.connection).toBe('close');
      await closing;
      expect(closed).toBe(true);
      expect(s.db.isInitialized).toBe(false);
    } finally {
      await locker.end();
      if (!closed) await s.close();
    }
  });
});

describe('Health with an unreachable Redis (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}/0` } });
  });
  afterAll(() => t.close());

  it('should boot, stay ready (in-process fallbacks), report Redis down as degraded and keep serving requests', async () => {
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.details).toEqual({ database: { status: 'up' } });
    await request(t.url).get('/health/live').expect(200);
    const status = await request(t.url).get('/health/status').expect(200);
    expect(status.body).toEqual(STATUS_SHAPE);
    expect(status.body.status).toBe('degraded');
    expect(status.body.checks.database).toBe('up');
    expect(status.body.checks.cache).toBe('down');
    // Auth, rate limits (memory fallback) and the cache (always a miss) all keep working.
    const u = await registerUser(t.url);
    await request(t.url)
      .post('/api/auth/login')
      .send({ email: u.email, password: u.password })
      .expect(200);
    const cache = t.app.get(QueryCacheService);
    let loads = 0;
    expect(await cache.wrap('k', async () => ++loads)).toBe(1);
    expect(await cache.wrap('k', async () => ++loads)).toBe(2);
  });
});

describe('Health without Redis configured (e2e)', () => {
  it('should be ready and healthy with the in-memory cache', async () => {
    const t = await createTestApp({ noRedis: true });
    try {
      const ready = await request(t.url).get('/health/ready').expect(200);
      expect(ready.body.details).toEqual({ database: { status: 'up' } });
      const status = await request(t.url).get('/health/status').expect(200);
      expect(status.body.status).toBe('healthy');
      expect(status.body.checks.cache).toBe('memory');
      const cache = t.app.get(QueryCacheService);
      await cache.wrap('m', async () => 1);
      await cache.wrap('m', async () => 2);
      // The status is cached for a second: poll until the new statistics show.
      const fresh = await statusUntil(
        t.url,
        (b) =>
          (b as { checks?: { cache_stats?: { hits?: number } } }).checks?.cache_stats?.hits === 1,
      );
      expect(fresh.body.checks.cache_stats).toEqual({
        hits: 1,
        misses: 1,
        hit_rate: 0.5,
        keys_count: 1,
      });
    } finally {
      await t.close();
    }
  });
});

describe('Health status exposure (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_DISABLED: 'false' } });
  });
  afterAll(() => t.close());

  it('should probe the database at most once a second however often /health/status is polled', async () => {
    const status = t.app.get(HealthStatusService);
    const db = t.app.get(DataSource);
    const spy = jest.spyOn(db, 'query');
    try {
      const first = await Promise.all(Array.from({ length: 20 }, () => status.snapshot()));
      expect(new Set(first.map((s) => s.checks.database_latency_ms)).size).toBe(1);
      expect(spy.mock.calls.filter(([sql]) => sql === 'SELECT 1')).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('should rate-limit /health/status per client like any read', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 101; i++) codes.push((await request(t.url).get('/health/status')).status);
    expect(codes.slice(0, 100).every((c) => c === 200)).toBe(true);
    expect(codes[100]).toBe(429);
    await request(t.url).get('/health/live').expect(200); // probes stay unlimited
  });
});
