import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Helpers for tests that run the real compiled entry points (`node dist/...`) as child processes. */
export const REPO_ROOT = join(__dirname, '..', '..');
export const distFile = (rel: string) => join(REPO_ROOT, 'dist', rel);

/** The bare minimum a shell gives a process: nothing of this test run's configuration leaks in. */
export function bareEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Started {
  child: ChildProcess;
  exited: Promise<Exit>;
  output(): { stdout: string; stderr: string };
}

export function startNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  opts: { detached?: boolean } = {},
): Started {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a test can signal the whole group as a terminal or systemd would.
    detached: opts.detached ?? false,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Runs a script to completion (killed after `limitMs` so a hang fails the test instead of the run). */
export async function runNode(
  script: string,
  args: string[],
  env: Record<string, string>,
  limitMs = 30_000,
): Promise<Exit & { stdout: string; stderr: string }> {
  const p = startNode(script, args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), limitMs);
  const exit = await p.exited;
  clearTimeout(timer);
  return { ...exit, ...p.output() };
}

/** Polls `url` until it answers `status`; rejects with the process output if it exits first. */
export async function waitForStatus(
  url: string,
  status: number,
  proc?: Started,
  limitMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  let exited = false;
  void proc?.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered:\n${proc?.output().stderr}`);
    try {
      const res = await fetch(url);
      if (res.status === status) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer ${status} in time:\n${proc?.output().stderr ?? ''}`);
}

/** True while any process of the group led by `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
