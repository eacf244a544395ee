import { CacheModule } from '@nestjs/cache-manager';
import { Global, Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { createCacheKeyv } from './cache-store.factory';
import { QueryCacheService } from './query-cache.service';

/** Global: `QueryCacheService`, `@CachedQuery`, and cache-manager's `CACHE_MANAGER`. */
@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (cfg: AppConfig) => ({ stores: [createCacheKeyv(cfg)] }),
    }),
  ],
  providers: [QueryCacheService],
  exports: [QueryCacheService, CacheModule],
})
export class QueryCacheModule {}
