import { spawn } from 'node:child_process';
import request from 'supertest';
import { bareEnv, distFile, runNode } from '../support/processes';
import { createTestApp, createTestDatabase, TestApp } from '../support/test-app';

/** `npm run admin:create` as an operator runs it: the compiled CLI in its own process. */
describe('admin:create (e2e)', () => {
  const cli = distFile('cli/admin-create.js');
  const password = 'Adm1n-pass-never-printed';
  let databaseUrl: string;
  let t: TestApp;

  const runCli = (args: string[]) =>
    runNode(cli, args, bareEnv({ NODE_ENV: 'test', DATABASE_URL: databaseUrl }));

  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    // A database nothing has touched: the command must run the migrations itself.
    databaseUrl = await createTestDatabase();
    first = await runCli(['--email', 'Ops@Example.com', '--password', password, '--name', 'Ops']);
    t = await createTestApp({ databaseUrl });
  });
  afterAll(() => t?.close());

  it('should create an ADMIN on a fresh database who can then log in over HTTP', async () => {
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/created ADMIN ops@example\.com \(id [0-9a-f-]{36}\)/);
    expect(first.stdout + first.stderr).not.toContain(password);

    const login = await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'ops@example.com', password })
      .expect(200);
    expect(login.body.user).toMatchObject({ email: 'ops@example.com', name: 'Ops', role: 'ADMIN' });
    const me = await request(t.url)
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(me.body.role).toBe('ADMIN');
    const stored = await t.db.query<{ password_hash: string }[]>(
      `SELECT password_hash FROM users WHERE email = 'ops@example.com'`,
    );
    expect(stored[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('should refuse a duplicate email (any case) with a clear message and exit 1', async () => {
    const res = await runCli(['--email', 'OPS@example.com', '--password', 'another-long-password']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('an account with email ops@example.com already exists');
    expect(res.stdout + res.stderr).not.toContain('another-long-password');
    const rows = await t.db.query(`SELECT id FROM users WHERE lower(email) = 'ops@example.com'`);
    expect(rows).toHaveLength(1);
  });

  it('should reject a short password, a bad email and unknown options without touching the database', async () => {
    const short = await runCli(['--email', 'new@example.com', '--password', 'short123']);
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('--password must be at least 10 characters');
    expect(short.stderr).not.toContain('short123');

    const bad = await runCli(['--email', 'not-an-email', '--password', password]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not a valid email address');

    const unknown = await runCli([
      '--email',
      'new@example.com',
      '--password',
      password,
      '--role',
      'CLIENT',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--role'");

    const missing = await runCli([]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      '--email is required; --password (or ADMIN_PASSWORD) is required when not run on a terminal',
    );

    const rows = await t.db.query(`SELECT id FROM users WHERE email = 'new@example.com'`);
    expect(rows).toHaveLength(0);
  });

  it('should take the password from ADMIN_PASSWORD when --password is omitted', async () => {
    const res = await runNode(
      cli,
      ['--email', 'second@example.com'],
      bareEnv({ NODE_ENV: 'test', DATABASE_URL: databaseUrl, ADMIN_PASSWORD: password }),
    );
    expect(res.code).toBe(0);
    await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'second@example.com', password })
      .expect(200);
  });

  it('should ask for the password on a terminal without echoing it, and refuse a mismatch', async () => {
    // `script` gives the CLI a real pseudo-terminal; we type only once each prompt is shown (raw mode on).
    const typeAt = async (email: string, answers: string[]) => {
      const child = spawn(
        'script',
        [
          '-qec',
          `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} --email ${email}`,
          '/dev/null',
        ],
        { env: bareEnv({ NODE_ENV: 'test', DATABASE_URL: databaseUrl }) },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const prompts = [`Password for ${email}: `, 'Repeat the password: '];
      for (const [i, answer] of answers.entries()) {
        const deadline = Date.now() + 20_000;
        while (!out.includes(prompts[i]) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 100));
        child.stdin.write(`${answer}\r`);
      }
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, out };
    };

    const ok = await typeAt('typed@example.com', [password, password]);
    expect(ok.out).toContain('created ADMIN typed@example.com');
    expect(ok.out).not.toContain(password);
    expect(ok.code).toBe(0);
    await request(t.url)
      .post('/api/auth/login')
      .send({ email: 'typed@example.com', password })
      .expect(200);

    const mismatch = await typeAt('other@example.com', [password, 'something-else-entirely']);
    expect(mismatch.code).toBe(2);
    expect(mismatch.out).toContain('the two passwords differ');
    expect(mismatch.out).not.toContain(password);
    const rows = await t.db.query(`SELECT 1 FROM users WHERE email = 'other@example.com'`);
    expect(rows).toHaveLength(0);
  });

  it('should refuse a missing password when not on a terminal, without touching the database', async () => {
    const res = await runCli(['--email', 'piped@example.com']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(
      '--password (or ADMIN_PASSWORD) is required when not run on a terminal',
    );
  });
});
