import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { buildTypeOrmOptions } from '../src/database/typeorm-options';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import { accountPolicy } from '../src/modules/ledger/account-policy';
import { signPaymongoWebhook } from '../src/modules/payments/providers/webhook-signatures';
import {
  median,
  rssOf,
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
 * fired by WORKERS concurrent senders, in alternating rounds, at:
 * - the **HTTP floor**: a bare `node:http` process (below) doing what a webhook must — read the raw
 *   body, HMAC-verify it, insert the event under its unique id and post the credit (`ledger_post`,
 *   same legs) in one transaction — on the same database, schema and pool size;
 * - the real app (production mode, loopback);
 * - the in-process ledger floor: the same postings straight through LedgerService (no HTTP).
 * Prints events/s, p50/p99 acknowledgement latency, the ratios, credits applied vs expected for both
 * HTTP targets (must be equal: exactly once) and the app's RSS afterwards.
 * Env: BENCH_DEPOSITS (4000, split over the rounds), BENCH_WORKERS (64), BENCH_ROUNDS (3),
 * BENCH_QUERY_COUNT_FILE (with the query counter preloaded: statements per delivery).
 */
const DEPOSITS = Number(process.env.BENCH_DEPOSITS ?? 4000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POOL = 20;

// The HTTP floor, in its own process like the app. Same pool size, same table, same ledger function.
const FLOOR_SERVER = `
const http = require('node:http');
const { createHmac, timingSafeEqual } = require('node:crypto');
const { Pool } = require('pg');
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL) });
const secret = process.env.SECRET;
const [clearing, wallet] = JSON.parse(process.env.POLICIES);
const INSERT = 'INSERT INTO webhook_events (provider, event_id, event_type, kind, source, status, amount, currency, livemode, raw_body, payload, normalised) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id';
const POST = 'SELECT * FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';
function verify(header, raw) {
  const parts = Object.fromEntries(String(header || '').split(',').map((kv) => kv.split('=')));
  const expected = createHmac('sha256', secret).update(parts.t + '.').update(raw).digest();
  const given = Buffer.from(parts.te || '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
http.createServer((req, res) => {
  if (req.method === 'GET') { res.writeHead(200); return res.end(); }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks);
    if (!verify(req.headers['paymongo-signature'], raw)) { res.writeHead(401); return res.end(); }
    const ev = JSON.parse(raw.toString('utf8')).data;
    const session = ev.attributes.data.attributes;
    const amount = session.line_items[0].amount;
    const account = 'wallet:floor-' + session.metadata.transaction_id + ':available';
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const ins = await c.query({ name: 'ins', text: INSERT, values: ['paymongo', ev.id, ev.attributes.type, 'paid', 'webhook', 'PROCESSED', amount, 'PHP', false, raw.toString('utf8'), JSON.stringify(ev), '{}'] });
      if (ins.rowCount === 1)
        await c.query({ name: 'post', text: POST, values: ['wfloor:' + ev.id, 'DEPOSIT', null, '{}', [clearing.account, account], ['PHP', 'PHP'], ['DEBIT', 'CREDIT'], [amount, amount], [clearing.normalSide, wallet.normalSide], [clearing.noNegative, wallet.noNegative], false] });
      await c.query('COMMIT');
      c.release();
      const body = '{"received":true}';
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      c.release();
      res.writeHead(503); res.end(String(err && err.message));
    }
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

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
    ...(process.env.BENCH_QUERY_COUNT_FILE
      ? { BENCH_QUERY_COUNT_FILE: process.env.BENCH_QUERY_COUNT_FILE }
      : {}),
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
    const appProc = await startProcess([dist('main.js')], env, `${app}/health/ready`);
    children.push(appProc);
    const floorPort = await freePort();
    const floorUrl = `http://127.0.0.1:${floorPort}`;
    children.push(
      await startProcess(
        ['-e', FLOOR_SERVER],
        {
          PATH: process.env.PATH ?? '',
          PORT: String(floorPort),
          DATABASE_URL: db.url,
          POOL: String(POOL),
          SECRET: secret,
          POLICIES: JSON.stringify(
            ['gateway:paymongo:clearing', 'wallet:floor-x:available'].map((a) => ({
              account: a,
              ...accountPolicy(a),
            })),
          ),
        },
        `${floorUrl}/`,
      ),
    );
    await ds.initialize();

    // Seed: users and PENDING deposits as the deposit route would have left them.
    await ds.query(
      `INSERT INTO users (email, password_hash, name, role)
       SELECT 'bench' || g || '@example.com', 'x', 'Bench', 'CLIENT' FROM generate_series(1, $1) g`,
      [Math.ceil(DEPOSITS / 2)],
    );
    const txns = (
      await ds.query<Array<{ id: string; amount: string; ref: string }>>(
        `INSERT INTO transactions (user_id, type, status, amount, provider, provider_reference, metadata)
         SELECT u.id, 'DEPOSIT', 'PENDING', 1000 + (random() * 100000)::int, 'paymongo',
                'cs_bench_' || md5(u.id::text || k), '{"paymentType":"wallet_deposit"}'::jsonb
         FROM users u CROSS JOIN generate_series(1, 2) k
         RETURNING id, amount, provider_reference AS ref`,
      )
    ).slice(0, DEPOSITS);
    const bodies = txns.map((t) => paidEvent({ id: t.id, amount: Number(t.amount), ref: t.ref }));
    const expectedTotal = txns.reduce((s, t) => s + Number(t.amount), 0);
    // The floor gets its own events (other ids), same sizes and amounts.
    const floorBodies = txns.map((t) =>
      paidEvent({ id: `f${t.id}`, amount: Number(t.amount), ref: t.ref }),
    );
    /** One round's deliveries: its slice of events, 10 % of them a second time, shuffled. */
    const deliveriesOf = (all: string[], round: number): string[] => {
      const per = Math.ceil(all.length / ROUNDS);
      const events = all.slice(round * per, (round + 1) * per);
      const out = [...events, ...events.filter((_, i) => i % 10 === 0)];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    };

    console.log(
      `bench:webhooks — ${DEPOSITS} events per target (10 % delivered twice) in ${ROUNDS} alternating rounds, ` +
        `${WORKERS} concurrent senders, pool ${POOL}, ${cpus().length} CPUs, Node ${process.version}, Redis ${redisUp ? 'on' : 'off'}`,
    );
    let failures = 0;
    const send = (url: string, deliveries: string[]) => async (i: number) => {
      const body = deliveries[i];
      const sig = signPaymongoWebhook(secret, body, {
        t: Math.floor(Date.now() / 1000),
        livemode: false,
      });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'paymongo-signature': sig },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
    };
    const ledger = new LedgerService(new LedgerRepository(ds));
    const counting = Boolean(process.env.BENCH_QUERY_COUNT_FILE && process.env.BENCH_APP_NODE_ARGS);
    if (counting) appProc.kill('SIGUSR2'); // start counting from zero
    const floorRuns: Stat[] = [];
    const appRuns: Stat[] = [];
    const ledgerRuns: Stat[] = [];
    let appDeliveries = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const f = deliveriesOf(floorBodies, r);
      floorRuns.push(await drive('floor', f.length, send(`${floorUrl}/webhook`, f)));
      const a = deliveriesOf(bodies, r);
      appDeliveries += a.length;
      appRuns.push(
        await drive('app', a.length, send(`${app}/api/accounts/wallet/paymongo-webhook`, a)),
      );
      const per = Math.ceil(DEPOSITS / ROUNDS);
      ledgerRuns.push(
        await drive('ledger', Math.min(per, DEPOSITS - r * per), async (i) => {
          const n = r * per + i;
          const res = await ledger.post({
            entryId: `floor:${n}`,
            type: 'DEPOSIT',
            legs: [
              { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 1000 + n },
              { account: `wallet:floor-${n}:available`, direction: 'CREDIT', amount: 1000 + n },
            ],
          });
          if (res.status !== 'APPLIED') failures++;
        }),
      );
      console.log(
        `  round ${r + 1}: floor ${Math.round(floorRuns[r].perSecond)}/s, app ${Math.round(appRuns[r].perSecond)}/s, ledger ${Math.round(ledgerRuns[r].perSecond)}/s`,
      );
    }
    const rss = rssOf(appProc.pid);
    let perDelivery = '';
    if (counting) {
      const file = process.env.BENCH_QUERY_COUNT_FILE as string;
      appProc.kill('SIGUSR2');
      await new Promise((r) => setTimeout(r, 500));
      const counts = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      perDelivery = `statements per delivery (app): ${(total / appDeliveries).toFixed(2)}\n${Object.entries(
        counts,
      )
        .sort((a, b) => b[1] - a[1])
        .map(([q, n]) => `  ${(n / appDeliveries).toFixed(2)}  ${q}`)
        .join('\n')}`;
    }

    const applied = await ds.query<Array<{ n: string; total: string | null }>>(
      `SELECT count(*) AS n, sum(amount) AS total FROM transactions WHERE type = 'DEPOSIT' AND status = 'COMPLETED'`,
    );
    const entries = await ds.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM ledger_entries WHERE entry_id LIKE 'deposit:%'`,
    );
    const floorEntries = await ds.query<Array<{ n: string; dup: string }>>(
      `SELECT count(*) AS n, count(*) - count(DISTINCT entry_id) AS dup FROM ledger_entries WHERE entry_id LIKE 'wfloor:%'`,
    );

    const summary = (name: string, runs: Stat[]): Stat => ({
      name,
      ops: runs.reduce((s, x) => s + x.ops, 0),
      perSecond: median(runs.map((x) => x.perSecond)),
      p50: median(runs.map((x) => x.p50)),
      p99: median(runs.map((x) => x.p99)),
    });
    const ratio = (t: Stat[], b: Stat[], k: 'perSecond' | 'p99') =>
      median(t.map((x, i) => x[k] / b[i][k])).toFixed(3);
    const rows: Array<[Stat, string]> = [
      [
        summary(
          'HTTP floor (node:http + pg: verify, insert event, post credit; one transaction)',
          floorRuns,
        ),
        '1.000×',
      ],
      [
        summary('app (signed webhook → stored + applied, 10 % duplicates)', appRuns),
        `${ratio(appRuns, floorRuns, 'perSecond')}×`,
      ],
      [summary('in-process ledger floor (LedgerService.post, same legs)', ledgerRuns), ''],
    ];
    console.log(
      '\n| target | ops | ops/s (median) | p50 ms | p99 ms | vs HTTP floor |\n|---|---|---|---|---|---|',
    );
    for (const [r, x] of rows)
      console.log(
        `| ${r.name} | ${r.ops} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${x} |`,
      );
    const credited = Number(applied[0].n);
    console.log(
      `\napp ÷ HTTP floor: ${ratio(appRuns, floorRuns, 'perSecond')}× throughput, p99 ${ratio(appRuns, floorRuns, 'p99')}× the floor's (median of per-round ratios); ` +
        `app ÷ in-process ledger floor: ${ratio(appRuns, ledgerRuns, 'perSecond')}×`,
    );
    console.log(
      `credits applied (app): ${credited} (ledger entries ${entries[0].n}) vs expected ${bodies.length}; ` +
        `total credited ${applied[0].total ?? 0} vs expected ${expectedTotal}; ` +
        `credits applied (HTTP floor): ${floorEntries[0].n} (duplicate entries ${floorEntries[0].dup}) vs expected ${floorBodies.length}; non-200: ${failures}`,
    );
    console.log(`app RSS after the run: ${rss.rssMb} MB (peak ${rss.peakMb} MB)`);
    if (perDelivery) console.log(perDelivery);
    if (
      credited !== bodies.length ||
      Number(entries[0].n) !== bodies.length ||
      Number(applied[0].total) !== expectedTotal ||
      Number(floorEntries[0].n) !== floorBodies.length ||
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
