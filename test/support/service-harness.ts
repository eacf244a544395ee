import { Test, TestingModule } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { LedgerAuditService } from 'src/modules/ledger/ledger-audit.service';
import { createTestDatabase } from './test-app';

/**
 * The medium test tier: the real Nest container (services, TypeORM, unit of work, ledger SQL) against
 * a fresh scratch database, with no HTTP server. Tests call services directly, so failure branches the
 * e2e tests cannot reach cheaply (a serialization failure, a ledger refusal mid-flow, a failing
 * after-commit hook) are driven exactly.
 */
export interface ServiceHarness {
  module: TestingModule;
  db: DataSource;
  close(): Promise<void>;
}

export async function createServiceHarness(): Promise<ServiceHarness> {
  const databaseUrl = await createTestDatabase();
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    JSON_LOGGING: 'true',
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    DATABASE_URL: databaseUrl,
    DB_POOL_MAX: '5',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    REDIS_KEY_PREFIX: `m:${randomBytes(4).toString('hex')}:`,
    RATE_LIMIT_DISABLED: 'true',
    CRON_DISABLED: 'true',
    JWT_SECRET: 'medium-test-secret-that-is-long-enough-0123456789',
  };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const module = await Test.createTestingModule({ imports: [AppModule] }).compile();
  // Lifecycle hooks run (migrations, handler registrations); nothing listens.
  await module.init();
  return {
    module,
    db: module.get(DataSource),
    close: async () => {
      const failed = (await module.get(LedgerAuditService).run()).checks.filter((c) => !c.pass);
      await module.close();
      if (failed.length > 0)
        throw new Error(`Ledger audit failed at teardown: ${JSON.stringify(failed)}`);
    },
  };
}
