import Redis from 'ioredis';
import request from 'supertest';
import { QueryCacheService } from 'src/common/cache/query-cache.service';
import { createTestApp, TestApp } from '../support/test-app';

describe('Query cache on Redis (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  let raw: Redis;
  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({ databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
    raw = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0');
  });
  afterAll(async () => {
    raw?.disconnect();
    await b?.close();
    await a?.close();
  });

  it('should store entries in Redis under the key prefix, shared by every instance', async () => {
    const cacheA = a.app.get(QueryCacheService);
    const cacheB = b.app.get(QueryCacheService);
    let loads = 0;
    const load = async () => ({ balance: 250_000n, loads: ++loads });
    expect(await cacheA.wrap('wallet:u1', load, 'short')).toEqual({ balance: 250_000n, loads: 1 });
    const stored = await raw.get(`${a.redisPrefix}cache::wallet:u1`);
    expect(stored).not.toBeNull();
    expect(JSON.parse(stored as string)).toMatchObject({
      value: { balance: { $bigint: '250000' }, loads: 1 },
    });
    const ttl = await raw.pttl(`${a.redisPrefix}cache::wallet:u1`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // The other instance hits the same entry without loading.
    expect(await cacheB.wrap('wallet:u1', load, 'short')).toEqual({ balance: 250_000n, loads: 1 });
    expect(loads).toBe(1);
  });

  it('should serve concurrent first calls of a freshly booted instance from Redis without errors', async () => {
    const c = await createTestApp({ databaseUrl: a.databaseUrl, redisPrefix: a.redisPrefix });
    try {
      const cache = c.app.get(QueryCacheService);
      let loads = 0;
      const keys = Array.from({ length: 20 }, (_, i) => `fresh:${i}`);
      await Promise.all(keys.map((k) => cache.wrap(k, async () => ++loads, 'short')));
      expect(loads).toBe(20);
      // Every entry reached Redis: a cold-start failure would have switched the store off.
      const stored = await Promise.all(keys.map((k) => raw.exists(`${a.redisPrefix}cache::${k}`)));
      expect(stored).toEqual(keys.map(() => 1));
    } finally {
      await c.close();
    }
  });

  it('should invalidate by key and by pattern across instances', async () => {
    const cacheA = a.app.get(QueryCacheService);
    const cacheB = b.app.get(QueryCacheService);
    await cacheA.set('tx:u1:1', 1, 'long');
    await cacheA.set('tx:u1:2', 2, 'long');
    await cacheA.set('tx:u2:1', 3, 'long');
    await cacheA.set('single', 4, 'very_long');
    expect(await raw.pttl(`${a.redisPrefix}cache::single`)).toBeGreaterThan(3_600_000);
    await cacheB.del('single');
    expect(await cacheA.get('single')).toBeUndefined();
    expect(await cacheB.delPattern('tx:u1:*')).toBe(2);
    expect(await cacheA.get('tx:u1:1')).toBeUndefined();
    expect(await cacheA.get('tx:u2:1')).toBe(3);
    // Keys of other apps on the same Redis are never touched or counted.
    await raw.set('foreign:cache::tx:u1:9', 'x', 'PX', 10_000);
    expect(await cacheA.delPattern('tx:*')).toBe(1);
    expect(await raw.get('foreign:cache::tx:u1:9')).toBe('x');
  });

  it('should report hits, misses and keys in /health/status and /metrics', async () => {
    const c = await createTestApp();
    try {
      const cache = c.app.get(QueryCacheService);
      await cache.wrap('s:1', async () => 'one'); // miss
      await cache.wrap('s:1', async () => 'one'); // hit
      await cache.wrap('s:1', async () => 'one'); // hit
      await cache.wrap('s:2', async () => 'two'); // miss
      const res = await request(c.url).get('/health/status').expect(200);
      expect(res.body.checks.cache).toBe('up');
      expect(res.body.checks.cache_stats).toEqual({
        hits: 2,
        misses: 2,
        hit_rate: 0.5,
        keys_count: 2,
      });
      const metrics = await request(c.url).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/^cache_requests_total\{result="hit"\} \d+/m);
      expect(metrics.text).toMatch(/^cache_keys 2$/m);
    } finally {
      await c.close();
    }
  });

  it('should bypass the cache with QUERY_CACHE_DISABLED=true', async () => {
    const off = await createTestApp({ env: { QUERY_CACHE_DISABLED: 'true' } });
    try {
      const cache = off.app.get(QueryCacheService);
      let loads = 0;
      await cache.wrap('x', async () => ++loads);
      await cache.wrap('x', async () => ++loads);
      expect(loads).toBe(2);
      expect(await raw.exists(`${off.redisPrefix}cache::x`)).toBe(0);
    } finally {
      await off.close();
    }
  });
});
