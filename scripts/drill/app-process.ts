import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';

/**
 * One real instance (`node dist/main.js`) as a child process: started, watched (an unexpected exit is
 * recorded, never hidden), killed with SIGKILL and started again.
 */
export class AppProcess {
  private child?: ChildProcess;
  private log = '';
  /** Exits nobody asked for (crashes). */
  readonly unexpectedExits: Array<{ code: number | null; signal: string | null }> = [];
  private expectingExit = false;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly mainFile = join(REPO_ROOT, 'dist', 'main.js'),
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Output so far (JSON log lines). */
  output(): string {
    return this.log;
  }

  async start(readyTimeoutMs = 90_000): Promise<void> {
    this.expectingExit = false;
    const child = spawn(process.execPath, [this.mainFile], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        ...this.env,
        PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (c: Buffer) => {
      this.log += c.toString();
      if (this.log.length > 4_000_000) this.log = this.log.slice(-2_000_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', (code, signal) => {
      if (!this.expectingExit) this.unexpectedExits.push({ code, signal });
    });
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(`${this.name} exited while starting:\n${this.log.slice(-3000)}`);
      if ((await status(`${this.url}/health/ready`)) === 200) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `kill -9`: no drain, no cleanup. */
  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}

/** HTTP status of a GET, or 0 when nothing answers. */
export async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
