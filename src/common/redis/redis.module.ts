import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';

/** The shared ioredis client, or `null` when REDIS_URL is unset (in-process fallbacks are used). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');
export type RedisClient = Redis | null;

export function createRedisClient(
  url: string,
  logger: Logger,
  name = 'main',
  keyPrefix = process.env.REDIS_KEY_PREFIX ?? '',
): Redis {
  const client = new Redis(url, {
    connectionName: `iayos-payments:${name}`,
    // Lets several test runs (or apps) share one Redis without seeing each other's keys.
    keyPrefix: keyPrefix || undefined,
    // Fail fast while Redis is down instead of queueing: callers fall back or report degraded.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastLog = 0;
  client.on('error', (err: Error) => {
    // An unreachable Redis must never crash the process; log at most every 30 s.
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      logger.warn(`Redis (${name}) error: ${err.message}`);
    }
  });
  return client;
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig): RedisClient => {
        const logger = new Logger('Redis');
        if (!cfg.redis.url) {
          logger.warn(
            'REDIS_URL is not set: cache, rate limits, realtime fan-out and locks use in-process fallbacks (single instance only)',
          );
          return null;
        }
        return createRedisClient(cfg.redis.url, logger, 'main', cfg.redis.keyPrefix);
      },
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
