import request from 'supertest';
import { QueryCacheService } from 'src/common/cache/query-cache.service';
import { createTestApp, TestApp } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/eventually';

describe('Redis outage while running (e2e)', () => {
  const target = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  let t: TestApp;
  beforeAll(async () => {
    const port = await proxy.start();
    t = await createTestApp({
      env: { REDIS_URL: `redis://127.0.0.1:${port}/0`, RATE_LIMIT_DISABLED: 'false' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await proxy.stop();
  });

  it('should keep serving while Redis is down, report it, and recover when it returns', async () => {
    const cache = t.app.get(QueryCacheService);
    let loads = 0;
    const load = async () => ++loads;
    await request(t.url).get('/health/ready').expect(200);
    expect(await cache.wrap('outage:k', load)).toBe(1);
    expect(await cache.wrap('outage:k', load)).toBe(1);

    await proxy.stop();
    // Degraded, not unready: the in-process fallbacks serve, so pods stay in the load balancer.
    await eventually(
      async () => (await request(t.url).get('/health/status')).body.status === 'degraded',
    );
    const status = await request(t.url).get('/health/status').expect(200);
    expect(status.body.checks.cache).toBe('down');
    expect(status.body.checks.database).toBe('up');
    const ready = await request(t.url).get('/health/ready').expect(200);
    expect(ready.body.details).toEqual({ database: { status: 'up' } });
    // The cache misses instead of failing; auth and rate limits keep working (per instance).
    expect(await cache.wrap('outage:k', load)).toBe(2);
    expect(await cache.wrap('outage:k', load)).toBe(3);
    const body = { email: 'nobody@example.com', password: 'wrong password' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await request(t.url).post('/api/auth/login').send(body)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);

    await request(t.url).get('/health/ready').expect(200);

    await proxy.start();
    await eventually(
      async () => (await request(t.url).get('/health/status')).body.status === 'healthy',
    );
    await request(t.url).get('/health/ready').expect(200);
    // The entry written before the outage is served again once the cache's back-off has passed.
    await eventually(async () => (await cache.wrap('outage:k', load)) === 1);
  });
});
