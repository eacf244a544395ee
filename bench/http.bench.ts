import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import {
  freePort,
  loadOptionsFromEnv,
  compareInRounds,
  Measured,
  printTable,
  productionEnv,
  REPO_ROOT,
  runToEnd,
  scratchDatabase,
  statementsPerCall,
  startProcess,
  stopProcess,
  tcpReachable,
} from './bench-support';

/**
 * `npm run bench:http`: the real app (`node dist/main.js`, production mode, LOG_LEVEL=warn, rate
 * limits off) on `GET /health/live` and authenticated `GET /api/wallet`, against the floor: a minimal
 * NestJS 11 app with one controller answering the same bytes (bench/minimal-nest-app.ts), in
 * alternating rounds of the same run. `BENCH_HTTP_BARE=1` also measures a bare `node:http` server
 * answering those bytes (the floor of the floor). Loopback only; every target gets the same warm-up,
 * duration and connection count.
 * `BENCH_COMPARE_DIST=<another build's dist/>` also runs that build on the same database and measures
 * it against this one in alternating rounds (before/after a change, in one run).
 * `BENCH_HTTP_PATHS=/api/wallet` (comma-separated) measures only those routes.
 */

// Runs in its own process, so it shares nothing with the load generator: answers fixed bytes per path.
const BARE_SERVER = `
const http = require('node:http');
const routes = JSON.parse(process.env.BARE_ROUTES);
http.createServer((req, res) => {
  const r = routes[req.url];
  if (!r) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': r.type, 'content-length': Buffer.byteLength(r.body) });
  res.end(r.body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

async function main(): Promise<void> {
  const load = loadOptionsFromEnv();
  const dist = (f: string) => join(REPO_ROOT, 'dist', f);
  const db = await scratchDatabase('bench_http');
  const redisUp = await tcpReachable('127.0.0.1', 6379);
  const appPort = await freePort();
  const app = `http://127.0.0.1:${appPort}`;
  const env = productionEnv({
    PORT: String(appPort),
    DATABASE_URL: db.url,
    ...(process.env.BENCH_QUERY_COUNT_FILE
      ? { BENCH_QUERY_COUNT_FILE: process.env.BENCH_QUERY_COUNT_FILE }
      : {}),
    ...(redisUp
      ? { REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: `bench:${appPort}:` }
      : {}),
  });
  const children: ChildProcess[] = [];
  try {
    await runToEnd(dist('database/migrate.js'), ['run'], env); // production never migrates at boot
    children.push(await startProcess([dist('main.js')], env, `${app}/health/ready`));
    const compareDist = process.env.BENCH_COMPARE_DIST;
    let other: string | undefined;
    let otherPid: number | undefined;
    if (compareDist) {
      const port = await freePort();
      other = `http://127.0.0.1:${port}`;
      const otherEnv = { ...env, PORT: String(port), REDIS_KEY_PREFIX: `bench:${port}:` };
      const main = join(compareDist, 'main.js');
      const started = await startProcess([main], otherEnv, `${other}/health/ready`);
      children.push(started);
      otherPid = started.pid;
    }

    const reg = await fetch(`${app}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'bench@example.com',
        password: 'benchmark password',
        name: 'Bench',
        role: 'CLIENT',
      }),
    });
    if (reg.status !== 201) throw new Error(`register answered ${reg.status}`);
    const { accessToken } = (await reg.json()) as { accessToken: string };
    const auth = { authorization: `Bearer ${accessToken}` };

    // The bare server answers exactly what the app answers on these two routes.
    const grab = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${app}${path}`, { headers });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      return {
        type: res.headers.get('content-type') ?? 'application/json',
        body: await res.text(),
      };
    };
    const routes = {
      '/health/live': await grab('/health/live'),
      '/api/wallet': await grab('/api/wallet', auth),
    };
    const nestPort = await freePort();
    const nest = `http://127.0.0.1:${nestPort}`;
    const appPid = children[0].pid;
    const nestProcess = await startProcess(
        [join(REPO_ROOT, 'dist-bench', 'bench', 'minimal-nest-app.js')],
        {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          PORT: String(nestPort),
          BARE_ROUTES: JSON.stringify(routes),
        },
        `${nest}/health/live`,
    );
    children.push(nestProcess);
    const barePort = await freePort();
    const bare = `http://127.0.0.1:${barePort}`;
    children.push(
      await startProcess(
        ['-e', BARE_SERVER],
        {
          PATH: process.env.PATH ?? '',
          PORT: String(barePort),
          BARE_ROUTES: JSON.stringify(routes),
        },
        `${bare}/health/live`,
      ),
    );

    console.log(
      `bench:http — ${load.connections} connections, ${load.warmupS} s warm-up, then ${load.rounds} alternating rounds of ${load.durationS} s per target, ` +
        `${cpus().length} CPUs, Node ${process.version}, Redis ${redisUp ? 'on' : 'off'}`,
    );
    const rows: Array<Measured & { ratio?: string }> = [];
    // BENCH_HTTP_PATHS=/api/wallet measures (or profiles) one route alone.
    const paths = (['/health/live', '/api/wallet'] as const).filter((p) =>
      (process.env.BENCH_HTTP_PATHS ?? p).split(',').includes(p),
    );
    for (const path of paths) {
      const headers = path === '/api/wallet' ? auth : {};
      rows.push(
        ...(await compareInRounds(
          { name: `minimal NestJS ${path}`, url: `${nest}${path}`, pid: nestProcess.pid },
          { name: `app GET ${path}`, url: `${app}${path}`, pid: appPid },
          headers,
          load,
        )),
      );
      if (process.env.BENCH_HTTP_BARE === '1')
        rows.push(
          ...(await compareInRounds(
            { name: `bare node:http ${path}`, url: `${bare}${path}` },
            { name: `app GET ${path}`, url: `${app}${path}` },
            headers,
            load,
          )),
        );
      if (other)
        rows.push(
          ...(await compareInRounds(
            { name: `other build GET ${path}`, url: `${other}${path}`, pid: otherPid },
            { name: `app GET ${path} (vs other build)`, url: `${app}${path}`, pid: appPid },
            headers,
            load,
          )),
        );
      console.log(`  measured ${path}`);
    }
    printTable(rows);
    const perWallet = await statementsPerCall(children[0], 200, async () => {
      await (await fetch(`${app}/api/wallet`, { headers: auth })).arrayBuffer();
    });
    if (perWallet) console.log(`\nGET /api/wallet, ${perWallet}`);
    if (rows.some((r) => r.failures > 0)) process.exitCode = 1;
  } finally {
    for (const c of children.reverse()) await stopProcess(c);
    await db.drop().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
