import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { buildTypeOrmOptions } from '../src/database/typeorm-options';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import { signPaymongoWebhook } from '../src/modules/payments/providers/webhook-signatures';
import {
  driveWorkers,
  freePort,
  productionEnv,
  REPO_ROOT,
  runToEnd,
  scratchDatabase,
  startProcess,
  stopProcess,
  tcpReachable,
} from './bench-support';

/**
 * `npm run bench:webhooks`: signed PayMongo `checkout_session.payment.paid` events (10 % delivered twice)
 * fired at the real app (production mode, loopback) by WORKERS concurrent senders; prints webhooks/s,
 * p50/p99 acknowledgement latency and credits applied vs expected (must be equal). In the same run, the
 * ledger floor: the same deposit postings made directly through LedgerService (no HTTP, no webhook
 * bookkeeping) with the same concurrency and pool size. Env: BENCH_DEPOSITS (4000), BENCH_WORKERS (64).
 */
const DEPOSITS = Number(process.env.BENCH_DEPOSITS ?? 4000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 64);
const POOL = 20;

interface Stat {
  name: string;
  ops: number;
  perSecond: number;
  p50: number;
  p99: number;
}

async function drive(name: string, n: number, op: (i: number) => Promise<void>): Promise<Stat> {
  const { seconds, pct } = await driveWorkers(n, WORKERS, op);
  return { name, ops: n, perSecond: n / seconds, p50: pct(0.5), p99: pct(0.99) };
}

function paidEvent(txn: { id: string; amount: number; ref: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const payment = {
    id: `pay_${randomBytes(12).toString('hex')}`,
    type: 'payment',
    attributes: { amount: txn.amount, currency: 'PHP', status: 'paid', paid_at: now },
  };
  return JSON.stringify({
    data: {
      id: `evt_${randomBytes(12).toString('hex')}`,
      type: 'event',
      attributes: {
        type: 'checkout_session.payment.paid',
        livemode: false,
        data: {
          id: txn.ref,
          type: 'checkout_session',
          attributes: {
            line_items: [
              { amount: txn.amount, currency: 'PHP', name: 'Wallet deposit', quantity: 1 },
            ],
            payments: [payment],
            reference_number: txn.id,
            metadata: { payment_type: 'wallet_deposit', transaction_id: txn.id },
            status: 'active',
            paid_at: now,
          },
        },
        previous_data: {},
        pending_webhooks: 1,
        created_at: now,
        updated_at: now,
      },
    },
  });
}

async function main(): Promise<void> {
  const dist = (f: string) => join(REPO_ROOT, 'dist', f);
  const db = await scratchDatabase('bench_webhooks');
  const redisUp = await tcpReachable('127.0.0.1', 6379);
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const env = productionEnv({
    PORT: String(port),
    DATABASE_URL: db.url,
    DB_POOL_MAX: String(POOL),
    ...(redisUp
      ? { REDIS_URL: 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: `bench:${port}:` }
      : {}),
  });
  const secret = env.PAYMONGO_WEBHOOK_SECRET;
  const children: ChildProcess[] = [];
  const cfg = loadConfig({ DATABASE_URL: db.url, DB_POOL_MAX: String(POOL), NODE_ENV: 'test' });
  const ds = new DataSource({ ...buildTypeOrmOptions(cfg.database), entities: [] });
  try {
    await runToEnd(dist('database/migrate.js'), ['run'], env);
    children.push(await startProcess([dist('main.js')], env, `${app}/health/ready`));
    await ds.initialize();

    // Seed: users and PENDING deposits as the deposit route would have left them.
    await ds.query(
      `INSERT INTO users (email, password_hash, name, role)
       SELECT 'bench' || g || '@example.com', 'x', 'Bench', 'CLIENT' FROM generate_series(1, $1) g`,
      [Math.ceil(DEPOSITS / 2)],
    );
    const txns = await ds.query<Array<{ id: string; amount: string; ref: string }>>(
      `INSERT INTO transactions (user_id, type, status, amount, provider, provider_reference, metadata)
       SELECT u.id, 'DEPOSIT', 'PENDING', 1000 + (random() * 100000)::int, 'paymongo',
              'cs_bench_' || md5(u.id::text || k), '{"paymentType":"wallet_deposit"}'::jsonb
       FROM users u CROSS JOIN generate_series(1, 2) k
       RETURNING id, amount, provider_reference AS ref`,
    );
    const bodies = txns
      .slice(0, DEPOSITS)
      .map((t) => paidEvent({ id: t.id, amount: Number(t.amount), ref: t.ref }));
    const expectedTotal = txns.slice(0, DEPOSITS).reduce((s, t) => s + Number(t.amount), 0);
    // 10 % of the events are delivered a second time, interleaved at random.
    const deliveries = [...bodies, ...bodies.filter((_, i) => i % 10 === 0)];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }

    console.log(
      `bench:webhooks — ${deliveries.length} deliveries (${bodies.length} events, 10 % duplicates), ` +
        `${WORKERS} concurrent senders, pool ${POOL}, ${cpus().length} CPUs, Node ${process.version}, Redis ${redisUp ? 'on' : 'off'}`,
    );
    let failures = 0;
    const hooks = await drive(
      'webhooks (HTTP, signed, stored + applied)',
      deliveries.length,
      async (i) => {
        const body = deliveries[i];
        const sig = signPaymongoWebhook(secret, body, {
          t: Math.floor(Date.now() / 1000),
          livemode: false,
        });
        const res = await fetch(`${app}/api/accounts/wallet/paymongo-webhook`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'paymongo-signature': sig },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
      },
    );

    const applied = await ds.query<Array<{ n: string; total: string | null }>>(
      `SELECT count(*) AS n, sum(amount) AS total FROM transactions WHERE type = 'DEPOSIT' AND status = 'COMPLETED'`,
    );
    const entries = await ds.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM ledger_entries WHERE entry_id LIKE 'deposit:%'`,
    );

    // The floor: the same postings straight through LedgerService, same concurrency and pool size.
    const ledger = new LedgerService(new LedgerRepository(ds));
    const floor = await drive(
      'ledger floor (LedgerService.post, same legs)',
      bodies.length,
      async (i) => {
        const r = await ledger.post({
          entryId: `floor:${i}`,
          type: 'DEPOSIT',
          legs: [
            { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 1000 + i },
            { account: `wallet:floor-${i}:available`, direction: 'CREDIT', amount: 1000 + i },
          ],
        });
        if (r.status !== 'APPLIED') failures++;
      },
    );

    const rows = [hooks, floor];
    console.log('\n| target | ops | ops/s | p50 ms | p99 ms |\n|---|---|---|---|---|');
    for (const r of rows)
      console.log(
        `| ${r.name} | ${r.ops} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`,
      );
    const credited = Number(applied[0].n);
    console.log(
      `\ncredits applied: ${credited} (ledger entries ${entries[0].n}) vs expected ${bodies.length}; ` +
        `total credited ${applied[0].total ?? 0} vs expected ${expectedTotal}; non-200: ${failures}; ` +
        `webhooks/s ÷ ledger floor ops/s = ${(hooks.perSecond / floor.perSecond).toFixed(3)}`,
    );
    if (
      credited !== bodies.length ||
      Number(entries[0].n) !== bodies.length ||
      Number(applied[0].total) !== expectedTotal ||
      failures > 0
    )
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
