import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { LOG_DESTINATION } from 'src/common/logging/logger.options';
import { configureApp } from 'src/configure-app';
import { LedgerAuditService } from 'src/modules/ledger/ledger-audit.service';

export interface TestApp {
  app: NestExpressApplication;
  /** Base URL of the app listening on a real port (the sandbox and webhooks use real HTTP). */
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  db: DataSource;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Run the ledger audit when the app closes and fail the file if any invariant is broken (default).
   * Only tests that tamper with the ledger on purpose turn it off.
   */
  ledgerAudit?: boolean;
  env?: Record<string, string | undefined>;
  /** Reuse another app's database (for multi-instance tests). */
  databaseUrl?: string;
  /** Reuse another app's Redis key space (for multi-instance tests). */
  redisPrefix?: string;
  /** Run without Redis (in-process fallbacks). */
  noRedis?: boolean;
  /** Capture log lines (JSON) instead of writing them to stdout; pair with `env: {LOG_LEVEL: 'info'}`. */
  logDestination?: { write(line: string): void };
}

/** Creates a fresh, empty database for one test file; migrations run when the app boots. */
export async function createTestDatabase(): Promise<string> {
  const admin = process.env.TEST_DATABASE_ADMIN_URL;
  if (!admin)
    throw new Error('TEST_DATABASE_ADMIN_URL is not set (run through the e2e jest config)');
  const name = `test_${process.env.TEST_RUN_ID ?? 'local'}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Boots the real AppModule, configured exactly as main.ts does, on a real port. */
export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
  const port = await freePort();
  const redisPrefix = opts.redisPrefix ?? `t:${randomBytes(4).toString('hex')}:`;
  const base: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'silent',
    JSON_LOGGING: 'true',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    // Small pools: two test files run at once, some with two app instances, under PostgreSQL's default
    // max_connections (100).
    DB_POOL_MAX: '10',
    REDIS_URL: opts.noRedis
      ? undefined
      : (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0'),
    REDIS_KEY_PREFIX: redisPrefix,
    RATE_LIMIT_DISABLED: 'true',
    CRON_DISABLED: 'true',
    JWT_SECRET: 'e2e-test-secret-that-is-long-enough-0123456789',
  };
  const env = { ...base, ...opts.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const builder = Test.createTestingModule({ imports: [AppModule] });
  if (opts.logDestination) builder.overrideProvider(LOG_DESTINATION).useValue(opts.logDestination);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    rawBody: true,
    bodyParser: false,
  });
  configureApp(app);
  await app.listen(port, '127.0.0.1');
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    redisPrefix,
    db: app.get(DataSource),
    close: async () => {
      const failed =
        opts.ledgerAudit === false
          ? []
          : (await app.get(LedgerAuditService).run()).checks.filter((c) => !c.pass);
      await app.close();
      if (failed.length > 0)
        throw new Error(`Ledger audit failed at teardown: ${JSON.stringify(failed)}`);
    },
  };
}
