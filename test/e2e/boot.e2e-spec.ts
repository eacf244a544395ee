import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { connectSocket } from '../support/socket-helpers';
import {
  bareEnv,
  distFile,
  groupAlive,
  runNode,
  startNode,
  Started,
  waitForStatus,
} from '../support/processes';
import { freePort } from '../support/test-app';

jest.setTimeout(120_000); // first boot runs initdb; a busy CI machine can take a while

/** The real `node dist/main.js`, started the way an operator or a container starts it. */
const MAIN = distFile('main.js');

describe('Boot: production configuration (e2e)', () => {
  it('should exit non-zero naming every missing variable when production has no secrets', async () => {
    const res = await runNode(MAIN, [], bareEnv({ NODE_ENV: 'production' }));
    expect(res.code).toBe(1);
    for (const name of [
      'DATABASE_URL',
      'JWT_SECRET',
      'PUBLIC_BASE_URL',
      'PAYMONGO_SECRET_KEY',
      'PAYMONGO_WEBHOOK_SECRET',
    ])
      expect(res.stderr).toContain(`${name}: required in production`);
    expect(res.stdout).not.toContain('listening');
  });

  it('should name placeholder secrets, test keys and malformed URLs in one message without echoing secrets', async () => {
    const res = await runNode(
      MAIN,
      [],
      bareEnv({
        NODE_ENV: 'production',
        ENVIRONMENT: 'production',
        DATABASE_URL: 'mysql://db/app',
        JWT_SECRET: 'changeme',
        PUBLIC_BASE_URL: 'not a url',
        PAYMONGO_SECRET_KEY: 'sk_test_0123456789abcdef',
        PAYMONGO_WEBHOOK_SECRET: 'whsk_real_looking_value_123',
        REDIS_URL: 'http://cache:6379',
      }),
    );
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^ {2}- DATABASE_URL: must be a postgres/),
        expect.stringMatching(/^ {2}- REDIS_URL: must be a redis/),
        expect.stringMatching(/^ {2}- PUBLIC_BASE_URL: must be a http/),
        '  - JWT_SECRET: a default/test placeholder value is not allowed in production',
        '  - PAYMONGO_SECRET_KEY: a sk_test_ key cannot be used with ENVIRONMENT=production',
      ]),
    );
    expect(lines).toHaveLength(5);
    expect(res.stderr).not.toContain('sk_test_0123456789abcdef');
    expect(res.stderr).not.toContain('whsk_real_looking_value_123');
  });
});

describe('Boot: an impossible VERIFICATION_AMOUNT (e2e)', () => {
  it('should refuse to start in production naming the variable, the value and the gateway minimum', async () => {
    const res = await runNode(
      MAIN,
      [],
      bareEnv({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://iayos:pw@127.0.0.1:1/iayos',
        JWT_SECRET: 'Zq8vN3xL0pR7tY2wK5mB9cH4jF6gD1sAe3Uu',
        PUBLIC_BASE_URL: 'https://pay.example.com',
        PAYMONGO_SECRET_KEY: 'sk_live_Hc5Jd8Gf2Ls9Qw4Ez7Rt',
        PAYMONGO_WEBHOOK_SECRET: 'whsk_Tq7Rw2Xy9Lm4Kp8Vn3Bz',
        VERIFICATION_AMOUNT: '100',
      }),
    );
    expect(res.code).toBe(1);
    const lines = res.stderr.split('\n').filter((l) => l.startsWith('  - '));
    expect(lines).toEqual([
      '  - VERIFICATION_AMOUNT: 100 centavos is below the paymongo GCash minimum of 2000 centavos (VERIFICATION_PROVIDER=paymongo)',
    ]);
    expect(res.stdout).not.toContain('listening');
  });
});

describe('Boot: JWT secret outside production (e2e)', () => {
  it('should refuse a non-production start that is not local mode and has no JWT_SECRET', async () => {
    const res = await runNode(
      MAIN,
      [],
      bareEnv({ NODE_ENV: 'development', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' }),
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('JWT_SECRET: required outside local mode');
    expect(res.stdout).not.toContain('listening');
  });

  it('should exit 1 naming the cause, without colour codes in a pipe, when the database never answers', async () => {
    const res = await runNode(
      MAIN,
      [],
      bareEnv({
        NODE_ENV: 'development',
        JWT_SECRET: 'boot-test-secret-that-is-long-enough-0123456789',
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      }),
      90_000, // TypeORM's nine connection retries, three seconds apart
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('Unable to connect to the database');
    expect(res.stderr).toContain('Failed to start: connect ECONNREFUSED 127.0.0.1:1');
    expect(res.stdout + res.stderr).not.toContain('\u001b[');
    expect(res.stdout).not.toContain('listening');
  });
});

describe('Boot: local mode with no environment (e2e)', () => {
  let dir: string;
  let dbPort: number;
  let running: Started | undefined;

  const pidFile = () => join(dir, 'pg', 'postmaster.pid');
  const env = (port: number) =>
    bareEnv({ EMBEDDED_DB_DIR: dir, EMBEDDED_DB_PORT: String(dbPort), PORT: String(port) });

  async function boot(detached = false): Promise<{ proc: Started; url: string }> {
    const port = await freePort();
    const proc = startNode(MAIN, [], env(port), { detached });
    running = proc;
    const url = `http://127.0.0.1:${port}`;
    await waitForStatus(`${url}/health/ready`, 200, proc, 60_000);
    return { proc, url };
  }

  async function stop(proc: Started): Promise<{ code: number | null; signal: string | null }> {
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    running = undefined;
    return exit;
  }

  async function databaseAnswers(): Promise<boolean> {
    const c = new Client({
      connectionString: `postgres://postgres:postgres@127.0.0.1:${dbPort}/iayos`,
      connectionTimeoutMillis: 2_000,
    });
    try {
      await c.connect();
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'boot-localdb-'));
    chmodSync(dir, 0o755); // as root the database runs as the postgres user, which must traverse it
    dbPort = await freePort();
  });

  afterAll(async () => {
    running?.child.kill('SIGKILL');
    // Never leave a postmaster behind, whatever happened above.
    if (existsSync(pidFile())) {
      const pid = Number(readFileSync(pidFile(), 'utf8').split('\n')[0]);
      try {
        // Only a postgres on this test's folder (the file may name a fake pid from the last test).
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  });

  it('should serve /health/ready 200 on an embedded database, then stop cleanly on SIGTERM', async () => {
    const { proc, url } = await boot();
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'local@example.com',
        password: 'local mode password',
        name: 'Local',
        role: 'CLIENT',
      }),
    });
    expect(register.status).toBe(201); // migrations ran on the embedded database
    expect(proc.output().stdout + proc.output().stderr).toContain('REDIS_URL is not set');
    // Local mode made its own signing secret, owner-only, next to its database.
    const secretFile = join(dir, 'jwt-secret');
    expect(readFileSync(secretFile, 'utf8').trim()).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    // Local mode for frontend work: a dev server on another localhost port may call the API…
    const preflight = await fetch(`${url}/api/auth/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const foreign = await fetch(`${url}/health/live`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    // …sign-in is not locked out after five tries…
    const logins = await Promise.all(
      Array.from({ length: 8 }, () =>
        fetch(`${url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'local@example.com', password: 'wrong password!' }),
        }),
      ),
    );
    expect(logins.map((r) => r.status)).toEqual(Array(8).fill(401));
    expect(logins[0].headers.get('x-ratelimit-limit')).toBe('60');
    // …and checkout return links land on a page of the service itself.
    const back = await fetch(`${url}/payments/deposit/abc-123?status=success`);
    expect(back.status).toBe(200);
    expect(await back.text()).toContain('data-status="success"');

    // The banner says where to go; route mapping stays at debug; no colour codes in a pipe.
    const deadline = Date.now() + 30_000;
    while (!proc.output().stdout.includes('Create admin') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    const out = proc.output().stdout + proc.output().stderr;
    expect(out).toContain(`listening on http://localhost:`);
    expect(out).toContain('/docs');
    expect(out).toContain('npm run admin:create -- --email you@example.com');
    expect(out).toContain('built-in gateway sandbox');
    expect(out).not.toContain('Mapped {');
    expect(out).not.toContain('dependencies initialized');
    expect(out).not.toContain('\u001b[');

    const exit = await stop(proc);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile())).toBe(false);
    expect(await databaseAnswers()).toBe(false);
  });

  it('should exit within the grace period when SIGTERM reaches the whole process group, with a client connected and requests in flight', async () => {
    // As docker stop, systemd or a terminal do: the embedded PostgreSQL gets the signal too and
    // shuts down by itself while the app drains.
    const { proc, url } = await boot(true);
    const register = await fetch(`${url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'group@example.com',
        password: 'local mode password',
        name: 'Group',
        role: 'CLIENT',
      }),
    });
    expect(register.status).toBe(201);
    const { accessToken } = (await register.json()) as { accessToken: string };
    const socket = await connectSocket(url, { token: accessToken });
    let loadRunning = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (loadRunning)
          await fetch(`${url}/api/wallet`, { headers: { authorization: `Bearer ${accessToken}` } })
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
      }),
    );
    try {
      const pgid = proc.child.pid as number;
      const started = Date.now();
      process.kill(-pgid, 'SIGTERM');
      const exit = await proc.exited;
      running = undefined;
      // Code 0: the drain finished before the grace timer (SHUTDOWN_GRACE_MS, 10 s) forced exit 1.
      expect(exit).toEqual({ code: 0, signal: null });
      await eventually(() => !groupAlive(pgid), { what: 'every process of the group exited' });
      // Coarse bound, far from flaky: the configured grace (SHUTDOWN_GRACE_MS, 10 s) plus a margin
      // for the embedded PostgreSQL's own shutdown on a busy machine.
      expect(Date.now() - started).toBeLessThan(10_000 + 5_000);
      expect(await databaseAnswers()).toBe(false);
      expect(existsSync(pidFile())).toBe(false);
    } finally {
      loadRunning = false;
      socket.close();
      await load;
    }
    // Nothing was left behind that blocks the next start: same folder, same port, same data.
    const again = await boot(true);
    const login = await fetch(`${again.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'group@example.com', password: 'local mode password' }),
    });
    expect(login.status).toBe(200);
    expect(await stop(again.proc)).toEqual({ code: 0, signal: null });
    expect(await databaseAnswers()).toBe(false);
  });

  it('should start again after a crash left an orphaned PostgreSQL and its postmaster.pid', async () => {
    const first = await boot();
    const before = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'local@example.com', password: 'local mode password' }),
    });
    const sessionToken = ((await before.json()) as { accessToken: string }).accessToken;
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    running = undefined;
    expect(existsSync(pidFile())).toBe(true);
    expect(await databaseAnswers()).toBe(true); // the orphan still holds the data directory

    const second = await boot();
    const me = await fetch(`${second.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect(me.status).toBe(200); // the kept secret still verifies tokens issued before the crash
    const login = await fetch(`${second.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'local@example.com', password: 'local mode password' }),
    });
    expect(login.status).toBe(200); // same data directory, data kept
    expect(second.proc.output().stderr).toContain('stopped an orphaned embedded PostgreSQL');
    expect(await stop(second.proc)).toEqual({ code: 0, signal: null });
    expect(await databaseAnswers()).toBe(false);
  });

  it('should let admin:create share the running local database instead of stopping it', async () => {
    const { proc, url } = await boot();
    const password = 'local admin password';
    const res = await runNode(
      distFile('cli/admin-create.js'),
      ['--email', 'admin@local.test', '--password', password],
      env(await freePort()),
    );
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('using the embedded PostgreSQL already running');
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@local.test', password }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { role: string } }).user.role).toBe('ADMIN');
    expect(await stop(proc)).toEqual({ code: 0, signal: null });
    expect(await databaseAnswers()).toBe(false);
  });

  it('should recover from a first start that was interrupted during initdb or before the database existed', async () => {
    const other = mkdtempSync(join(tmpdir(), 'boot-localdb-'));
    chmodSync(other, 0o755);
    const otherDbPort = await freePort();
    const otherEnv = (port: number) =>
      bareEnv({
        EMBEDDED_DB_DIR: other,
        EMBEDDED_DB_PORT: String(otherDbPort),
        PORT: String(port),
      });
    let proc: Started | undefined;
    try {
      // Killed during initdb: a data folder without PG_VERSION.
      mkdirSync(join(other, 'pg'));
      writeFileSync(join(other, 'pg', 'postgresql.conf'), '# half-written\n');
      const port1 = await freePort();
      proc = startNode(MAIN, [], otherEnv(port1));
      await waitForStatus(`http://127.0.0.1:${port1}/health/ready`, 200, proc, 60_000);
      expect(proc.output().stderr).toContain('removed an incomplete embedded database folder');

      // Killed after initdb, before the app database was created.
      const admin = new Client({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${otherDbPort}/postgres`,
      });
      await admin.connect();
      await admin.query('DROP DATABASE iayos WITH (FORCE)');
      await admin.end();
      proc.child.kill('SIGTERM');
      await proc.exited;

      const port2 = await freePort();
      proc = startNode(MAIN, [], otherEnv(port2));
      await waitForStatus(`http://127.0.0.1:${port2}/health/ready`, 200, proc, 60_000);
      expect(await stop(proc)).toEqual({ code: 0, signal: null });
      proc = undefined;
    } finally {
      proc?.child.kill('SIGKILL');
      const stale = join(other, 'pg', 'postmaster.pid');
      if (existsSync(stale)) {
        const pid = Number(readFileSync(stale, 'utf8').split('\n')[0]);
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(other))
            process.kill(pid, 'SIGINT');
        } catch {
          /* already gone */
        }
      }
      await new Promise((r) => setTimeout(r, 500));
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('should start when postmaster.pid names a dead pid or an unrelated live process, and leave that process alone', async () => {
    const unrelated = startNode('-e', ['setInterval(() => {}, 1000)'], bareEnv());
    try {
      for (const pid of [unrelated.child.pid, deadPid()]) {
        writeFileSync(pidFile(), `${pid}\n${join(dir, 'pg')}\n`);
        const { proc } = await boot();
        expect(await stop(proc)).toEqual({ code: 0, signal: null });
      }
      expect(unrelated.child.exitCode).toBeNull();
      expect(unrelated.child.signalCode).toBeNull();
    } finally {
      unrelated.child.kill('SIGKILL');
    }
  });
});

/** A pid that belongs to no process: one of a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}
