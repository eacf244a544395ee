import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { Keyv } from 'keyv';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { CacheStats, HealthRegistry } from '../health/health-registry';
import { cacheRequestsTotal, setCacheKeysSource } from '../metrics/metrics.registry';
import { REDIS_CLIENT, RedisClient } from '../redis/redis.module';
import { deserializeCacheEntry, globToRegExp, serializeCacheEntry } from './cache-serializer';
import { cacheNamespace } from './cache-store.factory';
import { CacheTtl, ttlMs } from './cache-ttl';

/** After a store error, skip the store for this long (every call is a miss) instead of retrying. */
const BACKOFF_MS = 5_000;
const SCAN_COUNT = 500;

/**
 * Read-through query cache over cache-manager. The cache is an optimisation only: an unreachable
 * store is a miss (logged once per outage), never a failed request. Values are plain JSON (+bigint);
 * callers get the same shape on a miss as on a hit.
 */
@Injectable()
export class QueryCacheService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('QueryCache');
  private readonly keyv: Keyv;
  private readonly namespace: string;
  private readonly inflight = new Map<string, Promise<unknown>>();
  private hits = 0;
  private misses = 0;
  private storeErrors = 0;
  private unavailableUntil = 0;
  private degraded = false;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly health: HealthRegistry,
  ) {
    this.keyv = cache.stores[0];
    this.namespace = cacheNamespace(cfg);
    this.keyv.on('error', (err: unknown) => this.onStoreError(err));
  }

  async onModuleInit(): Promise<void> {
    this.health.setCacheStatsSource(() => this.stats());
    setCacheKeysSource(() => this.keysCount());
    if (this.cfg.switches.queryCacheDisabled)
      this.logger.warn('QUERY_CACHE_DISABLED: every cached query goes to the database');
    // The in-memory store only drops expired entries when they are read again; sweep it.
    if (!this.redis) {
      this.purgeTimer = setInterval(() => this.purgeExpiredMemory(), 60_000);
      this.purgeTimer.unref();
      return;
    }
    // Connect before the first request: concurrent first calls on a still-connecting client fail
    // (the offline queue is off) and would switch the cache off for a backoff period.
    try {
      await (this.keyv.store as { getClient?: () => Promise<unknown> }).getClient?.();
    } catch (err) {
      this.onStoreError(err);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.purgeTimer);
  }

  /** Removes expired entries from the in-memory store; returns how many are left in the namespace. */
  purgeExpiredMemory(now = Date.now()): number {
    const prefix = `${this.namespace}:`;
    let left = 0;
    for (const [k, raw] of [...this.memoryStore()]) {
      if (!k.startsWith(prefix)) continue;
      const entry =
        typeof raw === 'string' ? deserializeCacheEntry<{ expires?: number }>(raw) : undefined;
      if (entry?.expires && entry.expires <= now) this.memoryStore().delete(k);
      else left++;
    }
    return left;
  }

  get enabled(): boolean {
    return !this.cfg.switches.queryCacheDisabled;
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (!this.enabled) return undefined;
    const value = await this.guarded(() => this.cache.get<T>(key));
    const hit = value !== undefined && value !== null;
    if (hit) this.hits++;
    else this.misses++;
    cacheRequestsTotal.inc({ result: hit ? 'hit' : 'miss' });
    return hit ? value : undefined;
  }

  async set(key: string, value: unknown, ttl: CacheTtl = 'medium'): Promise<void> {
    if (!this.enabled || value === undefined) return;
    await this.guarded(() => this.cache.set(key, value, ttlMs(ttl)));
  }

  /** The cached value, or `load()`'s result (cached for `ttl`). Concurrent misses share one load. */
  async wrap<T>(key: string, load: () => Promise<T>, ttl: CacheTtl = 'medium'): Promise<T> {
    if (!this.enabled) return load();
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const loading = (async () => {
      // Round-trip so a miss returns exactly what a later hit will (bigint kept, Dates as strings).
      const value = roundTrip(await load());
      await this.set(key, value, ttl);
      return value;
    })().finally(() => this.inflight.delete(key));
    this.inflight.set(key, loading);
    return loading;
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.guarded(() => this.cache.mdel(keys));
  }

  /**
   * Deletes every key matching a glob (`wallet:user-1:*`). Returns how many were removed. If the
   * store is down nothing can be removed: pick TTLs that bound staleness after an outage.
   */
  async delPattern(pattern: string): Promise<number> {
    try {
      if (this.redis) {
        let removed = 0;
        for await (const batch of this.scanRedis(pattern)) {
          if (batch.length === 0) continue;
          // The ioredis client adds REDIS_KEY_PREFIX itself, so strip it from the scanned names.
          const prefix = this.cfg.redis.keyPrefix;
          removed += await this.redis.unlink(...batch.map((k) => k.slice(prefix.length)));
        }
        return removed;
      }
      const prefix = `${this.namespace}:`;
      const re = globToRegExp(pattern);
      let removed = 0;
      for (const k of [...this.memoryStore().keys()])
        if (k.startsWith(prefix) && re.test(k.slice(prefix.length)) && this.memoryStore().delete(k))
          removed++;
      return removed;
    } catch (err) {
      this.onStoreError(err);
      return 0;
    }
  }

  /** Keys currently held in this app's namespace (expired entries excluded). */
  async keysCount(): Promise<number> {
    try {
      if (this.redis) {
        let n = 0;
        for await (const batch of this.scanRedis('*')) n += batch.length;
        return n;
      }
      return this.purgeExpiredMemory();
    } catch (err) {
      this.onStoreError(err);
      return 0;
    }
  }

  async stats(): Promise<CacheStats> {
    const total = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hit_rate: total === 0 ? 0 : Math.round((this.hits / total) * 10_000) / 10_000,
      keys_count: await this.keysCount(),
    };
  }

  private async *scanRedis(pattern: string): AsyncGenerator<string[]> {
    const redis = this.redis;
    if (!redis) return;
    // The namespace is literal (escape glob characters); the caller's pattern is a glob.
    const match = `${this.namespace.replace(/[*?[\]\\]/g, '\\$&')}::${pattern}`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      yield keys;
    } while (cursor !== '0');
  }

  private memoryStore(): Map<string, unknown> {
    return this.keyv.store as Map<string, unknown>;
  }

  /** Runs a store call unless the store is in back-off; store errors become `undefined`. */
  private async guarded<T>(op: () => Promise<T>): Promise<T | undefined> {
    if (Date.now() < this.unavailableUntil) return undefined;
    const errorsBefore = this.storeErrors;
    try {
      const result = await op();
      if (this.storeErrors === errorsBefore && this.degraded) {
        this.degraded = false;
        this.logger.log('Cache store answers again');
      }
      return result;
    } catch (err) {
      this.onStoreError(err);
      return undefined;
    }
  }

  private onStoreError(err: unknown): void {
    this.storeErrors++;
    cacheRequestsTotal.inc({ result: 'error' });
    this.unavailableUntil = Date.now() + BACKOFF_MS;
    if (this.degraded) return;
    this.degraded = true;
    const message = err instanceof Error ? err.message : String(err);
    this.logger.warn(`Cache store unavailable (${message}); serving without cache`);
  }
}

function roundTrip<T>(value: T): T {
  if (value === undefined) return value;
  return deserializeCacheEntry<T>(serializeCacheEntry(value));
}
