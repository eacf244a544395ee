import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { SentryModule } from '@sentry/nestjs/setup';
import { LoggerModule } from 'nestjs-pino';
import { CircuitBreakerModule } from './common/circuit-breaker/circuit-breaker.module';
import { QueryCacheModule } from './common/cache/query-cache.module';
import { CommonModule } from './common/common.module';
import { DatabaseOutage } from './common/database/database-outage';
import { UnitOfWorkModule } from './common/database/unit-of-work.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { buildLoggerOptions, LOG_DESTINATION } from './common/logging/logger.options';
import { MetricsModule } from './common/metrics/metrics.module';
import { CategoryThrottlerGuard } from './common/rate-limit/category-throttler.guard';
import { RATE_LIMIT_WINDOW_MS, rateLimitsFor } from './common/rate-limit/rate-limit.limits';
import { ResilientThrottlerStorage } from './common/rate-limit/resilient-throttler.storage';
import { REDIS_CLIENT, RedisClient, RedisModule } from './common/redis/redis.module';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { APP_CONFIG } from './config/config.token';
import { buildTypeOrmOptions } from './database/typeorm-options';
import { AdminModule } from './modules/admin/admin.module';
import { WithdrawalsModule } from './modules/withdrawals/withdrawals.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { JwtAuthGuard } from './modules/auth/jwt-auth.guard';
import { JobsModule } from './modules/jobs/jobs.module';
import { HealthModule } from './modules/health/health.module';
import { PaymentsModule } from './modules/payments/payments.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { SandboxModule } from './modules/sandbox/sandbox.module';
import { PlatformSettingsModule } from './modules/platform-settings/platform-settings.module';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { LedgerOpsModule } from './modules/ledger/admin/ledger-ops.module';
import { LedgerHarnessModule } from './modules/ledger/harness/ledger-harness.module';
import { LedgerModule } from './modules/ledger/ledger.module';
import { WalletModule } from './modules/wallet/wallet.module';
import { VerificationModule } from './modules/verification/verification.module';

@Module({
  imports: [
    // Its only piece is a global interceptor naming Sentry transactions; without a DSN it would cost
    // every request an interceptor chain (async-context binding, an observable) for nothing.
    ...(process.env.SENTRY_DSN ? [SentryModule.forRoot()] : []),
    AppConfigModule,
    CommonModule,
    RedisModule,
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG, LOG_DESTINATION],
      useFactory: buildLoggerOptions,
    }),
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG, DatabaseOutage],
      useFactory: (cfg: AppConfig, outage: DatabaseOutage) => ({
        ...buildTypeOrmOptions(cfg.database, {
          migrationsRun: !cfg.app.isProduction,
          onPoolError: (err) => outage.idleConnectionError(err),
        }),
        autoLoadEntities: true,
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, REDIS_CLIENT],
      useFactory: (cfg: AppConfig, redis: RedisClient) => ({
        throttlers: Object.entries(rateLimitsFor(cfg.app.localMode)).map(([name, limit]) => ({
          name,
          limit,
          ttl: RATE_LIMIT_WINDOW_MS,
        })),
        skipIf: () => cfg.switches.rateLimitDisabled,
        // The guard sets the standard X-RateLimit-Limit/Remaining/Reset itself (one set, not one per category).
        setHeaders: false,
        storage: new ResilientThrottlerStorage(
          redis ? new ThrottlerStorageRedisService(redis) : undefined,
        ),
      }),
    }),
    UnitOfWorkModule,
    QueryCacheModule,
    ScheduleModule.forRoot(),
    MetricsModule,
    HealthModule,
    AuthModule,
    CircuitBreakerModule,
    PaymentsModule,
    RealtimeModule,
    // The gateway sandbox is never part of a production process.
    ...(process.env.NODE_ENV === 'production' ? [] : [SandboxModule]),
    AuditModule,
    SchedulingModule,
    IdempotencyModule,
    LedgerModule,
    WalletModule,
    LedgerOpsModule,
    LedgerHarnessModule,
    VerificationModule,
    PlatformSettingsModule,
    JobsModule,
    AdminModule,
    WithdrawalsModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    // Rate limits first (they verify the token themselves to key by user), so requests that fail
    // authentication are limited too; then authentication and roles.
    { provide: APP_GUARD, useClass: CategoryThrottlerGuard },
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
})
export class AppModule {}
