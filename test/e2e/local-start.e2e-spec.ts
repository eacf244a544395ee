import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, bareEnv, groupAlive } from '../support/processes';
import { freePort } from '../support/test-app';

jest.setTimeout(120_000); // the full start runs initdb on a fresh data folder

/**
 * `npm start` (scripts/start.mjs, ADR 0105) compiles only when an input changed: a fresh checkout
 * compiles, a warm start does not, and a change in src/ takes effect on the next start.
 */
describe('Local start: compile only when the sources changed (e2e)', () => {
  let base: string;
  let app: string;

  const startScript = () => join(app, 'scripts', 'start.mjs');
  const buildOnly = () => {
    const r = spawnSync(process.execPath, [startScript(), '--build-only'], {
      cwd: app,
      env: bareEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    return r.stdout + r.stderr;
  };

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'local-start-'));
    chmodSync(base, 0o755); // as root the embedded database runs as postgres and must traverse it
    app = join(base, 'app');
    // What a fresh clone has that the start reads: sources, configs, the script; no dist/.
    for (const f of [
      'src',
      'scripts',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'nest-cli.json',
      '.swcrc',
    ])
      cpSync(join(REPO_ROOT, f), join(app, f), { recursive: true });
    symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(app, 'node_modules'));
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('should compile a fresh checkout, skip the compiler when nothing changed, and recompile after a change', () => {
    expect(existsSync(join(app, 'dist'))).toBe(false);
    expect(buildOnly()).toMatch(/compiled \d+ files into dist\//);
    const main = join(app, 'dist', 'main.js');
    expect(existsSync(main)).toBe(true);
    const builtAt = statSync(main).mtimeMs;

    expect(buildOnly()).not.toContain('compiled');
    expect(statSync(main).mtimeMs).toBe(builtAt);

    // A config input counts as much as a source file.
    const tsconfig = join(app, 'tsconfig.build.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8') + '\n');
    expect(buildOnly()).toMatch(/compiled \d+ files/);
    expect(buildOnly()).not.toContain('compiled');
  });

  it('should serve a change made in src/ on the next npm start', async () => {
    // The liveness answer lives in src/common (answered before routing, ADR 0130).
    const probe = join(app, 'src', 'common', 'http', 'liveness-probe.ts');
    const source = readFileSync(probe, 'utf8');
    const changed = source.replace(
      "const BODY = { status: 'ok' } as const;",
      "const BODY = { status: 'ok', edited: 'yes' } as const;",
    );
    expect(changed).not.toBe(source);
    writeFileSync(probe, changed);

    const port = await freePort();
    const child = spawn('npm', ['start', '--silent'], {
      cwd: app,
      env: bareEnv({
        PORT: String(port),
        EMBEDDED_DB_DIR: join(base, 'db'),
        EMBEDDED_DB_PORT: String(await freePort()),
      }),
      detached: true, // its own group: stopped below the way a terminal stops it
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let body: unknown;
      const deadline = Date.now() + 90_000;
      while (body === undefined && Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/health/live`);
          if (res.status === 200) body = await res.json();
        } catch {
          /* not listening yet */
        }
        if (body === undefined) await new Promise((r) => setTimeout(r, 200));
      }
      expect(body).toEqual({ status: 'ok', edited: 'yes' });
      expect(output).toMatch(/compiled \d+ files/);
    } finally {
      process.kill(-(child.pid as number), 'SIGTERM');
      await exited;
      // npm exits first; the app then drains and stops its database.
      const deadline = Date.now() + 30_000;
      while (groupAlive(child.pid as number) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    }
    expect(groupAlive(child.pid as number)).toBe(false);
    expect(existsSync(join(base, 'db', 'pg', 'postmaster.pid'))).toBe(false);
  });
});
