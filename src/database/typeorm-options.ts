import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { MIGRATIONS } from './migrations';

/**
 * The one options builder used by the app, the migration CLI and the tests.
 * Migrations only: `synchronize` is never on.
 */
export function buildTypeOrmOptions(
  db: AppConfig['database'],
  overrides: Partial<{
    url: string;
    migrationsRun: boolean;
    /** The pool's error event (an idle connection closed by a restart); replaces TypeORM's default log. */
    onPoolError: (err: unknown) => void;
  }> = {},
): DataSourceOptions {
  const url = overrides.url ?? db.url;
  if (!url) throw new Error('DATABASE_URL is not set');
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: overrides.migrationsRun ?? false,
    migrationsTransactionMode: 'each',
    migrations: MIGRATIONS,
    // No ORM entities: rows are plain interfaces mapped by their repositories (ADR 0115).
    entities: [],
    // TypeORM's error log prints query parameters (password hashes, account numbers): keep it off.
    logging: false,
    applicationName: 'iayos-payments',
    // Without a handler an idle connection's error would crash the process; pg-pool drops the
    // connection and opens a new one on the next checkout either way.
    ...(overrides.onPoolError ? { poolErrorHandler: overrides.onPoolError } : {}),
    extra: {
      max: db.poolMax,
      idleTimeoutMillis: db.idleTimeoutMs,
      connectionTimeoutMillis: db.connectTimeoutMs ?? 5_000,
      keepAlive: db.healthChecks,
    },
  };
}
