import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { buildTypeOrmOptions } from '../src/database/typeorm-options';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import {
  driveWorkers,
  freePort,
  median,
  productionEnv,
  REPO_ROOT,
  runToEnd,
  scratchDatabase,
  startProcess,
  statementsPerCall,
  stopProcess,
  tcpReachable,
} from './bench-support';

/**
 * `npm run bench:jobs`: wallet-funded job downpayments over HTTP (`POST /api/jobs/:id/downpayment`,
 * `{method: "WALLET"}`, an Idempotency-Key each, distinct jobs; WORKERS concurrent clients, each with
 * its own funded wallet) against the in-process ledger floor: the same postings (client wallet →
 * escrow, downpayment + fee) straight through LedgerService, same pool size and concurrency, in
 * alternating rounds. Checks every job moved to IN_PROGRESS with exactly one escrow entry.
 * Env: BENCH_JOBS per round (400), BENCH_ROUNDS (3), BENCH_WORKERS (32).
 */
const PER_ROUND = Number(process.env.BENCH_JOBS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 32);
const POOL = 20;
const BUDGET = 10_000; // ₱100, the contract's minimum

interface Stat {
  perSecond: number;
  p50: number;
  p99: number;
}

async function json<T>(res: Response, expect: number, what: string): Promise<T> {
  if (res.status !== expect) throw new Error(`${what} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function main(): Promise<void> {
  const dist = (f: string) => join(REPO_ROOT, 'dist', f);
  const db = await scratchDatabase('bench_jobs');
  const redisUp = await tcpReachable('127.0.0.1', 6379);
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const env = productionEnv({
    PORT: String(port),
    DATABASE_URL: db.url,
    DB_POOL_MAX: String(POOL),
    ...(process.env.BENCH_QUERY_COUNT_FILE
      ? { BENCH_QUERY_COUNT_FILE: process.env.BENCH_QUERY_COUNT_FILE }
      : {}),
    ...(redisUp
      ? { REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: `bench:${port}:` }
      : {}),
  });
  const children: ChildProcess[] = [];
  const cfg = loadConfig({ DATABASE_URL: db.url, DB_POOL_MAX: String(POOL), NODE_ENV: 'test' });
  const ds = new DataSource({ ...buildTypeOrmOptions(cfg.database), entities: [] });
  try {
    await runToEnd(dist('database/migrate.js'), ['run'], env);
    const appProc = await startProcess([dist('main.js')], env, `${app}/health/ready`);
    children.push(appProc);
    await ds.initialize();
    const ledger = new LedgerService(new LedgerRepository(ds));

    // One worker account and one funded client per concurrent sender.
    const register = async (email: string, role: string) =>
      json<{ accessToken: string; user: { id: string } }>(
        await fetch(`${app}/api/auth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'benchmark password', name: 'Bench', role }),
        }),
        201,
        'register',
      );
    const worker = await register('worker@example.com', 'WORKER');
    const clients: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < WORKERS; i += 8)
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(8, WORKERS - i) }, async (_, k) => {
            const r = await register(`client${i + k}@example.com`, 'CLIENT');
            return { id: r.user.id, token: r.accessToken };
          }),
        )),
      );
    const floorWallets = clients.map((_, i) => `wallet:jobfloor-${i}:available`);
    for (const [i, account] of [
      ...clients.map((c) => `wallet:${c.id}:available`),
      ...floorWallets,
    ].entries())
      await ledger.post({
        entryId: `fund:${i}`,
        type: 'DEPOSIT',
        legs: [
          { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 100_000_000 },
          { account, direction: 'CREDIT', amount: 100_000_000 },
        ],
      });

    // The jobs (untimed): job j belongs to client j % WORKERS, so concurrent senders use distinct wallets.
    const total = PER_ROUND * ROUNDS;
    const jobs: Array<{ id: string; client: number; total: number }> = [];
    await driveWorkers(total, 16, async (j) => {
      const c = j % clients.length;
      const job = await json<{ id: string; downpaymentAmount: number; platformFee: number }>(
        await fetch(`${app}/api/jobs`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${clients[c].token}`,
          },
          body: JSON.stringify({
            title: `Bench job ${j}`,
            budget: BUDGET,
            workerId: worker.user.id,
          }),
        }),
        201,
        'create job',
      );
      jobs[j] = { id: job.id, client: c, total: job.downpaymentAmount + job.platformFee };
    });

    console.log(
      `bench:jobs — ${total} wallet-funded downpayments (${ROUNDS} alternating rounds of ${PER_ROUND}), ` +
        `${WORKERS} concurrent clients, pool ${POOL}, ${cpus().length} CPUs, Node ${process.version}, Redis ${redisUp ? 'on' : 'off'}`,
    );
    let failures = 0;
    const pay = async (j: number) => {
      const job = jobs[j];
      const res = await fetch(`${app}/api/jobs/${job.id}/downpayment`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${clients[job.client].token}`,
          'idempotency-key': `dp-${job.id}`,
        },
        body: '{"method":"WALLET"}',
      });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    };
    const run = async (n: number, op: (i: number) => Promise<void>): Promise<Stat> => {
      const { seconds, pct } = await driveWorkers(n, WORKERS, op);
      return { perSecond: n / seconds, p50: pct(0.5), p99: pct(0.99) };
    };
    const counted = await statementsPerCall(appProc, 1, () => pay(0));
    const floorRuns: Stat[] = [];
    const appRuns: Stat[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      floorRuns.push(
        await run(PER_ROUND, async (i) => {
          const n = r * PER_ROUND + i;
          const amount = jobs[n].total;
          const res = await ledger.post({
            entryId: `jobfloor:${n}`,
            type: 'ESCROW',
            legs: [
              { account: floorWallets[n % clients.length], direction: 'DEBIT', amount },
              { account: `escrow:${randomUUID()}`, direction: 'CREDIT', amount },
            ],
          });
          if (res.status !== 'APPLIED') failures++;
        }),
      );
      const skip = counted && r === 0 ? 1 : 0; // job 0 was paid by the statement count above
      appRuns.push(await run(PER_ROUND - skip, (i) => pay(r * PER_ROUND + skip + i)));
      console.log(
        `  round ${r + 1}: ledger floor ${Math.round(floorRuns[r].perSecond)}/s, app ${Math.round(appRuns[r].perSecond)}/s`,
      );
    }

    const states = await ds.query<Array<{ status: string; n: string }>>(
      `SELECT status, count(*) AS n FROM jobs GROUP BY status`,
    );
    const entries = await ds.query<Array<{ n: string; distinct: string }>>(
      `SELECT count(*) AS n, count(DISTINCT entry_id) AS distinct FROM ledger_entries WHERE entry_id LIKE 'job:%:downpayment'`,
    );
    const ratio = median(appRuns.map((a, i) => a.perSecond / floorRuns[i].perSecond));
    const row = (name: string, runs: Stat[], x: string) =>
      `| ${name} | ${Math.round(median(runs.map((s) => s.perSecond)))} | ${median(runs.map((s) => s.p50)).toFixed(1)} | ${median(runs.map((s) => s.p99)).toFixed(1)} | ${x} |`;
    console.log(
      '\n| target | ops/s (median) | p50 ms | p99 ms | vs ledger floor |\n|---|---|---|---|---|',
    );
    console.log(
      row('in-process ledger floor (LedgerService.post, wallet → escrow)', floorRuns, '1.000×'),
    );
    console.log(
      row('app POST /api/jobs/:id/downpayment (WALLET)', appRuns, `${ratio.toFixed(3)}×`),
    );
    const inProgress = Number(states.find((s) => s.status === 'IN_PROGRESS')?.n ?? 0);
    console.log(
      `\njobs IN_PROGRESS: ${inProgress} of ${total}; downpayment entries ${entries[0].n} (distinct ${entries[0].distinct}); non-200: ${failures}`,
    );
    if (counted) console.log(`downpayment, ${counted}`);
    if (inProgress !== total || Number(entries[0].n) !== total || failures > 0)
      process.exitCode = 1;
  } finally {
    for (const c of children.reverse()) await stopProcess(c);
    if (ds.isInitialized) await ds.destroy();
    await db.drop().catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
