import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import type { AppConfig } from 'src/config/app-config';
import { deserializeCacheEntry, serializeCacheEntry } from './cache-serializer';

/** Keys live under `<REDIS_KEY_PREFIX>cache::<key>` in Redis (`<prefix>cache:<key>` in memory). */
export function cacheNamespace(cfg: AppConfig): string {
  return `${cfg.redis.keyPrefix}cache`;
}

/**
 * The Keyv behind cache-manager: @keyv/redis when REDIS_URL is set, else an in-process Map.
 * The Redis client never queues or retries in the background: while Redis is down each call fails
 * fast and the query cache treats it as a miss (see QueryCacheService).
 */
export function createCacheKeyv(cfg: AppConfig): Keyv {
  const namespace = cacheNamespace(cfg);
  const serialization = { serialize: serializeCacheEntry, deserialize: deserializeCacheEntry };
  if (!cfg.redis.url) return new Keyv({ namespace, ...serialization });
  const store = new KeyvRedis(
    {
      url: cfg.redis.url,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: false, connectTimeout: 1_000 },
    },
    { namespace, throwOnConnectError: false, throwOnErrors: false, connectionTimeout: 1_000 },
  );
  return new Keyv({ store, namespace, useKeyPrefix: false, ...serialization });
}
