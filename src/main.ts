import './instrument';
import { ConsoleLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/app-config';
import { ensureLocalJwtSecret } from './config/local-jwt-secret';
import { configureApp, installGracefulShutdown } from './configure-app';
import { startupBanner } from './common/logging/startup-banner';
import { startEmbeddedDatabaseIfNeeded } from './database/embedded-database';
import { installDatabaseSafetyNet } from './common/database/process-safety-net';

async function bootstrap(): Promise<void> {
  // Validate before anything starts: production refuses to boot with one message naming every problem.
  try {
    // Local mode's own random secret, before the check that refuses to run without one.
    ensureLocalJwtSecret(process.env);
    loadConfig(process.env, { server: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  installDatabaseSafetyNet();
  const embedded =
    !process.env.DATABASE_URL && process.env.NODE_ENV !== 'production'
      ? `embedded PostgreSQL in ${process.env.EMBEDDED_DB_DIR ?? '.localdb'} (127.0.0.1:${process.env.EMBEDDED_DB_PORT ?? 54329}); set DATABASE_URL for your own`
      : null;
  const stopEmbeddedDb = await startEmbeddedDatabaseIfNeeded();
  const cfg = loadConfig(process.env);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    rawBody: true,
    bufferLogs: true,
    // Used only until pino takes over, or to flush the buffer when boot fails (for example while the
    // database cannot be reached): no colour codes when the output is a file or a pipe.
    logger: new ConsoleLogger({ colors: Boolean(process.stdout.isTTY) }),
    // A boot failure reaches the catch below (one line naming the cause) instead of Nest's own exit.
    abortOnError: false,
    bodyParser: false,
  });
  configureApp(app);
  installGracefulShutdown(app, stopEmbeddedDb);
  await app.listen(cfg.app.port);
  app.getHttpServer().keepAliveTimeout = 65_000;
  console.log(startupBanner(cfg, embedded));
}

bootstrap().catch((err: unknown) => {
  console.error('Failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
