import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  bareEnv,
  distFile,
  runNode,
  startNode,
  Started,
  waitForStatus,
} from '../support/processes';
import { freePort } from '../support/test-app';

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

describe('Boot: local mode with no environment (e2e)', () => {
  let dir: string;
  let dbPort: number;
  let running: Started | undefined;

  const pidFile = () => join(dir, 'pg', 'postmaster.pid');
  const env = (port: number) =>
    bareEnv({ EMBEDDED_DB_DIR: dir, EMBEDDED_DB_PORT: String(dbPort), PORT: String(port) });

  async function boot(): Promise<{ proc: Started; url: string }> {
    const port = await freePort();
    const proc = startNode(MAIN, [], env(port));
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
        process.kill(pid, 'SIGINT');
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

    const exit = await stop(proc);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(pidFile())).toBe(false);
    expect(await databaseAnswers()).toBe(false);
  });

  it('should start again after a crash left an orphaned PostgreSQL and its postmaster.pid', async () => {
    const first = await boot();
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    running = undefined;
    expect(existsSync(pidFile())).toBe(true);
    expect(await databaseAnswers()).toBe(true); // the orphan still holds the data directory

    const second = await boot();
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
