import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Shared plumbing for the benchmarks in bench/: free ports, a scratch database, the real app as a
 * child process (`node dist/main.js`, production mode), and autocannon runs summarised the same way.
 */
export const REPO_ROOT = join(__dirname, '..', '..');

export interface Measured {
  name: string;
  reqPerSec: number;
  p50: number;
  p99: number;
  failures: number;
  /** Server process CPU (user + system) per answered request, µs, when its pid is known. */
  cpuUsPerReq?: number;
}

/**
 * CPU seconds (user + system) a process has used so far (Linux `/proc/<pid>/stat`; 100 ticks per second
 * on Linux x86-64). On a shared machine throughput swings with everyone else's load; CPU per request
 * is the server's own cost and moves far less.
 */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export async function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.setTimeout(1_000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('timeout', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
    s.connect(port, host);
  });
}

/** A fresh database on the local PostgreSQL; returns its URL and a function that drops it. */
export async function scratchDatabase(
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin =
    process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const run = async (sql: string) => {
    const c = new Client({ connectionString: admin, connectionTimeoutMillis: 3_000 });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** Production-mode environment with throwaway secrets (loopback only, never deployed). */
export function productionEnv(extra: Record<string, string>): Record<string, string> {
  const secret = () => randomBytes(24).toString('hex');
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    ENVIRONMENT: 'benchmark',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_DISABLED: 'true',
    CRON_DISABLED: 'true',
    JWT_SECRET: secret(),
    // Production refuses http:// public URLs; nothing here follows this one (requests go to the port).
    PUBLIC_BASE_URL: 'https://bench.invalid',
    PAYMONGO_SECRET_KEY: `sk_test_${secret()}`,
    PAYMONGO_WEBHOOK_SECRET: `whsk_${secret()}`,
    ...extra,
  };
}

export function runToEnd(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [script, ...args], { cwd: REPO_ROOT, env, stdio: 'inherit' });
    p.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} exited ${code}`)),
    );
  });
}

/**
 * Extra Node flags for the app under test only (never the floors): `BENCH_APP_NODE_ARGS` (for example
 * `--cpu-prof --cpu-prof-dir=prof`, or `-r dist-bench/bench/query-counter.js` to count round trips).
 */
function appNodeArgs(args: string[]): string[] {
  const extra = process.env.BENCH_APP_NODE_ARGS?.trim();
  return extra && args[0]?.endsWith('main.js') ? extra.split(/\s+/) : [];
}

export async function startProcess(
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...appNodeArgs(args), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args[0]} exited with ${child.exitCode}`);
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${readyUrl} never became ready`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface LoadOptions {
  connections: number;
  durationS: number;
  warmupS: number;
  /** Alternating bare/app rounds; the ratio reported is the median of the per-round ratios. */
  rounds: number;
}

export function loadOptionsFromEnv(): LoadOptions {
  return {
    connections: Number(process.env.BENCH_CONNECTIONS ?? 50),
    durationS: Number(process.env.BENCH_DURATION ?? 5),
    warmupS: Number(process.env.BENCH_WARMUP ?? 2),
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  };
}

/** Warms up (discarded, unless `warm` is false), then measures one target (and its CPU, given `pid`). */
export async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
  load: LoadOptions,
  warm = true,
  pid?: number,
): Promise<Measured> {
  if (warm && load.warmupS > 0)
    await autocannon({ url, headers, connections: load.connections, duration: load.warmupS });
  const cpuBefore = pid ? cpuSecondsOf(pid) : 0;
  const r = await autocannon({
    url,
    headers,
    connections: load.connections,
    duration: load.durationS,
  });
  const answered = r.requests.total;
  return {
    name,
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    failures: r.errors + r.timeouts + r.non2xx,
    ...(pid && answered > 0
      ? { cpuUsPerReq: ((cpuSecondsOf(pid) - cpuBefore) * 1e6) / answered }
      : {}),
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Measures a baseline and a target in alternating rounds, so drift on a shared machine hits both
 * alike. Returns per-target medians (p99: the worst round) and the median per-round ratio.
 */
export async function compareInRounds(
  baseline: { name: string; url: string; pid?: number },
  target: { name: string; url: string; pid?: number },
  headers: Record<string, string>,
  load: LoadOptions,
): Promise<Array<Measured & { ratio: string }>> {
  const b: Measured[] = [];
  const t: Measured[] = [];
  for (let i = 0; i < load.rounds; i++) {
    b.push(await measure(baseline.name, baseline.url, headers, load, i === 0, baseline.pid));
    t.push(await measure(target.name, target.url, headers, load, i === 0, target.pid));
  }
  const summary = (name: string, ms: Measured[]): Measured => ({
    name,
    reqPerSec: median(ms.map((m) => m.reqPerSec)),
    p50: median(ms.map((m) => m.p50)),
    p99: Math.max(...ms.map((m) => m.p99)),
    failures: ms.reduce((n, m) => n + m.failures, 0),
    ...(ms.every((m) => m.cpuUsPerReq !== undefined)
      ? { cpuUsPerReq: median(ms.map((m) => m.cpuUsPerReq ?? 0)) }
      : {}),
  });
  const ratio = median(t.map((m, i) => m.reqPerSec / b[i].reqPerSec));
  return [
    { ...summary(baseline.name, b), ratio: '1.00×' },
    { ...summary(target.name, t), ratio: `${ratio.toFixed(3)}×` },
  ];
}

export function printTable(rows: Array<Measured & { ratio?: string }>): void {
  const cpu = rows.some((r) => r.cpuUsPerReq !== undefined);
  const header = `| target | req/s | p50 ms | p99 ms | errors+non-2xx | vs floor |${cpu ? ' server CPU µs/req |' : ''}`;
  console.log(`\n${header}\n|---|---|---|---|---|---|${cpu ? '---|' : ''}`);
  for (const r of rows)
    console.log(
      `| ${r.name} | ${Math.round(r.reqPerSec).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.failures} | ${r.ratio ?? ''} |` +
        (cpu ? ` ${r.cpuUsPerReq === undefined ? '' : Math.round(r.cpuUsPerReq)} |` : ''),
    );
}

/**
 * Runs `op(0..calls-1)` from `workers` concurrent loops (closed-loop load) and returns the wall time
 * and a percentile function over the per-call latencies in milliseconds.
 */
export async function driveWorkers(
  calls: number,
  workers: number,
  op: (i: number) => Promise<void>,
): Promise<{ seconds: number; pct: (p: number) => number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < calls) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await op(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { seconds, pct };
}

/** Resident memory of a process now and at its peak (Linux `/proc`), in MB. */
export function rssOf(pid: number | undefined): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

/**
 * With the query counter preloaded into the app (BENCH_APP_NODE_ARGS, BENCH_QUERY_COUNT_FILE): the
 * statements `op` causes, per call, `calls` sequential calls. Returns printable lines, or '' when off.
 */
export async function statementsPerCall(
  app: ChildProcess,
  calls: number,
  op: () => Promise<void>,
): Promise<string> {
  const file = process.env.BENCH_QUERY_COUNT_FILE;
  if (!file || !process.env.BENCH_APP_NODE_ARGS) return '';
  app.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < calls; i++) await op();
  app.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 300));
  const counts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return [
    `statements per call: ${(total / calls).toFixed(2)}`,
    ...Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([q, n]) => `  ${(n / calls).toFixed(2)}  ${q}`),
  ].join('\n');
}
