import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import {
  freePort,
  median,
  REPO_ROOT,
  runToEnd,
  scratchDatabase,
  startProcess,
  stopProcess,
} from './bench-support';

/**
 * `npm run bench:failover`: how long `POST /api/wallet/deposit` takes when it is opened at the primary
 * (PayMongo) and when it fails over to Xendit, in the same run against the same process. The app runs
 * compiled (`node dist/main.js`, LOG_LEVEL=warn) with its built-in gateway sandbox on loopback and
 * GATEWAY_FAILOVER=true. Rounds alternate: a normal deposit, then one whose PayMongo create answers 500
 * (the sandbox's `failNextCalls`), so it is opened at Xendit in the same request; a third kind is
 * routed straight to Xendit by the open PayMongo breaker. Breakers are reset between rounds (untimed).
 */

const ROUNDS = Number(process.env.BENCH_FAILOVER_REQUESTS ?? 150);

async function json(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

async function timedDeposit(app: string, token: string, expectProvider: string): Promise<number> {
  const start = performance.now();
  const r = await json(`${app}/api/wallet/deposit`, 'POST', { amount: 5_000 }, token);
  const ms = performance.now() - start;
  const provider = (r.body as { provider?: string } | null)?.provider;
  if (r.status !== 201 || provider !== expectProvider)
    throw new Error(
      `deposit answered ${r.status} via ${provider ?? '?'}, expected ${expectProvider}`,
    );
  return ms;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

async function main(): Promise<void> {
  const db = await scratchDatabase('bench_failover');
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    JSON_LOGGING: 'true',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    PUBLIC_BASE_URL: app,
    DATABASE_URL: db.url,
    RATE_LIMIT_DISABLED: 'true',
    CRON_DISABLED: 'true',
    PAYMENT_PROVIDER: 'paymongo',
    GATEWAY_FAILOVER: 'true',
  };
  const dist = (f: string) => join(REPO_ROOT, 'dist', f);
  let child: ChildProcess | undefined;
  try {
    await runToEnd(dist('database/migrate.js'), ['run'], env);
    child = await startProcess([dist('main.js')], env, `${app}/health/ready`);
    const adminEmail = `bench-admin-${port}@example.com`;
    const password = 'bench password long enough';
    await runToEnd(
      dist('cli/admin-create.js'),
      ['--email', adminEmail, '--password', password],
      env,
    );
    const login = await json(`${app}/api/auth/login`, 'POST', { email: adminEmail, password });
    const adminToken = (login.body as { accessToken: string }).accessToken;
    const reg = await json(`${app}/api/auth/register`, 'POST', {
      email: `bench-${port}@example.com`,
      password,
      name: 'Bench Client',
      role: 'CLIENT',
    });
    const token = (reg.body as { accessToken: string }).accessToken;
    const control = (controls: Record<string, unknown>) =>
      json(`${app}/sandbox/_control/controls`, 'POST', controls);
    const resetBreakers = async () => {
      for (const name of ['paymongo', 'xendit'])
        await json(`${app}/api/admin/circuit-breakers/${name}/reset`, 'POST', {}, adminToken);
    };

    const normal: number[] = [];
    const failedOver: number[] = [];
    const breakerRouted: number[] = [];
    // Warm-up: both gateways' code paths and connections.
    for (let i = 0; i < 10; i++) {
      await timedDeposit(app, token, 'paymongo');
      await control({ failNextCalls: 1, failCallsOf: 'paymongo' });
      await timedDeposit(app, token, 'xendit');
      await resetBreakers();
    }
    for (let i = 0; i < ROUNDS; i++) {
      normal.push(await timedDeposit(app, token, 'paymongo'));
      await control({ failNextCalls: 1, failCallsOf: 'paymongo' });
      failedOver.push(await timedDeposit(app, token, 'xendit'));
      await resetBreakers();
    }
    // Open the PayMongo breaker (5 failed creates), then new deposits go straight to Xendit.
    await control({ failNextCalls: 5, failCallsOf: 'paymongo' });
    for (let i = 0; i < 5; i++) await timedDeposit(app, token, 'xendit');
    for (let i = 0; i < ROUNDS; i++) breakerRouted.push(await timedDeposit(app, token, 'xendit'));

    const row = (name: string, xs: number[]) =>
      `| ${name} | ${xs.length} | ${median(xs).toFixed(1)} | ${p95(xs).toFixed(1)} | ${(median(xs) / median(normal)).toFixed(2)} |`;
    console.log('| Deposit request | n | median ms | p95 ms | median vs normal |');
    console.log('|---|---|---|---|---|');
    console.log(row('normal (PayMongo)', normal));
    console.log(row('failed over after PayMongo 500 (Xendit)', failedOver));
    console.log(row('routed to Xendit by the open breaker', breakerRouted));
  } finally {
    if (child) await stopProcess(child);
    await db.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
