import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createCache } from 'cache-manager';
import { createServer } from 'node:net';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { HealthRegistry } from '../health/health-registry';
import { REDIS_CLIENT } from '../redis/redis.module';
import { deserializeCacheEntry, globToRegExp, serializeCacheEntry } from './cache-serializer';
import { createCacheKeyv } from './cache-store.factory';
import { CACHE_TTL, ttlMs } from './cache-ttl';
import { CachedQuery, cacheKeyFor } from './cached-query.decorator';
import { QueryCacheService } from './query-cache.service';

function config(over: { url?: string; disabled?: boolean } = {}): AppConfig {
  return {
    redis: { url: over.url, keyPrefix: 'unit:' },
    switches: { queryCacheDisabled: over.disabled ?? false },
  } as unknown as AppConfig;
}

function memoryService(disabled = false) {
  const cfg = config({ disabled });
  const cache = createCache({ stores: [createCacheKeyv(cfg)] });
  return new QueryCacheService(cache, cfg, null, new HealthRegistry());
}

@Injectable()
class WalletReader {
  calls = 0;
  @CachedQuery((userId: string) => `wallet:${userId}`, 'short')
  async balance(userId: string): Promise<{ userId: string; balance: bigint }> {
    this.calls++;
    return { userId, balance: 12_345n };
  }
}

describe('cache helpers', () => {
  it('should have the four TTL classes in milliseconds', () => {
    expect(CACHE_TTL).toEqual({
      short: 60_000,
      medium: 300_000,
      long: 3_600_000,
      very_long: 86_400_000,
    });
    expect(ttlMs('long')).toBe(3_600_000);
    expect(ttlMs(1234)).toBe(1234);
  });

  it('should round-trip bigint money through the serializer', () => {
    const text = serializeCacheEntry({ value: { amount: 10n ** 11n, list: [1n, 'x'] } });
    expect(deserializeCacheEntry(text)).toEqual({ value: { amount: 10n ** 11n, list: [1n, 'x'] } });
  });

  it('should turn globs into anchored regular expressions', () => {
    expect(globToRegExp('wallet:*').test('wallet:u1')).toBe(true);
    expect(globToRegExp('wallet:*').test('xwallet:u1')).toBe(false);
    expect(globToRegExp('a.b:?').test('a.b:1')).toBe(true);
    expect(globToRegExp('a.b:?').test('axb:1')).toBe(false);
  });

  it('should build keys from arguments', () => {
    expect(cacheKeyFor('tx', [])).toBe('tx');
    expect(cacheKeyFor('tx', ['u1', 2, { b: 1, a: 2n }])).toBe('tx:u1:2:{"a":"2","b":1}');
    expect(cacheKeyFor((id: string) => `w:${id}`, ['u9'])).toBe('w:u9');
  });
});

describe('QueryCacheService (memory store)', () => {
  it('should miss, then hit, and count both', async () => {
    const svc = memoryService();
    let loads = 0;
    const load = async () => ({ n: ++loads, amount: 500n });
    expect(await svc.wrap('k:1', load)).toEqual({ n: 1, amount: 500n });
    expect(await svc.wrap('k:1', load)).toEqual({ n: 1, amount: 500n });
    expect(loads).toBe(1);
    expect(await svc.stats()).toEqual({ hits: 1, misses: 1, hit_rate: 0.5, keys_count: 1 });
  });

  it('should share one load between concurrent misses', async () => {
    const svc = memoryService();
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((r) => setImmediate(r));
      return 'v';
    };
    expect(await Promise.all([svc.wrap('c', load), svc.wrap('c', load)])).toEqual(['v', 'v']);
    expect(loads).toBe(1);
  });

  it('should return the same shape on a miss as on a hit', async () => {
    const svc = memoryService();
    const at = new Date('2026-01-02T03:04:05.000Z');
    const miss = await svc.wrap('d', async () => ({ at }));
    const hit = await svc.wrap('d', async () => ({ at }));
    expect(miss).toEqual({ at: '2026-01-02T03:04:05.000Z' });
    expect(hit).toEqual(miss);
  });

  it('should invalidate by key and by pattern', async () => {
    const svc = memoryService();
    await svc.set('wallet:u1', 1);
    await svc.set('wallet:u2', 2);
    await svc.set('tx:u1', 3);
    await svc.del('tx:u1');
    expect(await svc.get('tx:u1')).toBeUndefined();
    expect(await svc.delPattern('wallet:*')).toBe(2);
    expect(await svc.get('wallet:u1')).toBeUndefined();
    expect(await svc.keysCount()).toBe(0);
  });

  it('should expire entries after their TTL', async () => {
    const svc = memoryService();
    await svc.set('ttl', 'x', 20);
    await new Promise((r) => setTimeout(r, 40));
    expect(await svc.keysCount()).toBe(0);
    expect(await svc.get('ttl')).toBeUndefined();
  });

  it('should bypass the cache entirely with QUERY_CACHE_DISABLED', async () => {
    const svc = memoryService(true);
    let loads = 0;
    await svc.wrap('k', async () => ++loads);
    await svc.wrap('k', async () => ++loads);
    expect(loads).toBe(2);
    expect(await svc.get('k')).toBeUndefined();
    expect((await svc.stats()).keys_count).toBe(0);
  });

  it('should report its stats to the health registry', async () => {
    const cfg = config();
    const registry = new HealthRegistry();
    const svc = new QueryCacheService(
      createCache({ stores: [createCacheKeyv(cfg)] }),
      cfg,
      null,
      registry,
    );
    await svc.onModuleInit();
    await svc.wrap('h', async () => 1);
    expect(await registry.cacheStats()).toEqual({
      hits: 0,
      misses: 1,
      hit_rate: 0,
      keys_count: 1,
    });
  });
});

describe('@CachedQuery', () => {
  it('should cache a provider method by a key built from its arguments', async () => {
    const cfg = config();
    const mod = await Test.createTestingModule({
      providers: [
        WalletReader,
        QueryCacheService,
        HealthRegistry,
        { provide: APP_CONFIG, useValue: cfg },
        { provide: REDIS_CLIENT, useValue: null },
        { provide: CACHE_MANAGER, useValue: createCache({ stores: [createCacheKeyv(cfg)] }) },
      ],
    }).compile();
    const reader = mod.get(WalletReader);
    const cache = mod.get(QueryCacheService);
    expect(await reader.balance('u1')).toEqual({ userId: 'u1', balance: 12_345n });
    expect(await reader.balance('u1')).toEqual({ userId: 'u1', balance: 12_345n });
    await reader.balance('u2');
    expect(reader.calls).toBe(2);
    expect(await cache.get('wallet:u1')).toEqual({ userId: 'u1', balance: 12_345n });
    await cache.del('wallet:u1');
    await reader.balance('u1');
    expect(reader.calls).toBe(3);
  });

  it('should call straight through when the class was not built by Nest', async () => {
    const reader = new WalletReader();
    await reader.balance('u1');
    await reader.balance('u1');
    expect(reader.calls).toBe(2);
  });
});

describe('QueryCacheService (unreachable Redis)', () => {
  it('should treat every call as a miss and never throw', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const addr = srv.address();
        srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 1));
      });
    });
    const cfg = config({ url: `redis://127.0.0.1:${port}` });
    const cache = createCache({ stores: [createCacheKeyv(cfg)] });
    const svc = new QueryCacheService(cache, cfg, null, new HealthRegistry());
    let loads = 0;
    expect(await svc.wrap('k', async () => ++loads)).toBe(1);
    expect(await svc.wrap('k', async () => ++loads)).toBe(2);
    await expect(svc.set('k', 1)).resolves.toBeUndefined();
    await expect(svc.del('k')).resolves.toBeUndefined();
    expect((await svc.stats()).misses).toBe(2);
    await cache.disconnect();
  });
});
