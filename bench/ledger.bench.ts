/**
 * `npm run bench:ledger` — ledger posting throughput and p99 on a scratch database, in one run:
 *   (a) LedgerService transfers between distinct wallet pairs,
 *   (b) LedgerService transfers that all credit one hot account,
 *   (c) the same SQL statement issued with bare `pg` (the floor), distinct pairs and hot,
 *   (d) LedgerService.postBatch, 100 distinct-pair transfers per call (one round trip, one commit),
 * and the ratios. History rows are seeded first (empty tables mislead). Not a test: numbers only.
 * Scenarios alternate floor/framework in BENCH_ROUNDS rounds; each ratio is the median of the
 * per-round ratios. Env: BENCH_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_OPS per scenario and round (3000), BENCH_ROUNDS (3), BENCH_WORKERS (64), BENCH_POOL (16),
 * BENCH_SEED_ENTRIES (20000).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { buildTypeOrmOptions } from '../src/database/typeorm-options';
import { accountPolicy } from '../src/modules/ledger/account-policy';
import { LedgerRepository } from '../src/modules/ledger/ledger.repository';
import { LedgerService } from '../src/modules/ledger/ledger.service';
import { driveWorkers } from './bench-support';

const ADMIN_URL =
  process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OPS = Number(process.env.BENCH_OPS ?? 3000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 64);
const POOL = Number(process.env.BENCH_POOL ?? 16);
const SEED_ENTRIES = Number(process.env.BENCH_SEED_ENTRIES ?? 20000);
const WALLETS = 2000;
const BATCH = 100;
const POST_SQL = 'SELECT * FROM ledger_post($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)';

interface Result {
  name: string;
  ops: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

const wallet = (i: number) => `wallet:bench-${i}:available`;

/** Runs `calls` operations on WORKERS workers; each call posts `perCall` entries. */
async function measure(
  name: string,
  op: (i: number) => Promise<void>,
  perCall = 1,
  workers = WORKERS,
): Promise<Result> {
  const calls = Math.ceil(OPS / perCall);
  const { seconds, pct } = await driveWorkers(calls, workers, op);
  const postings = calls * perCall;
  return {
    name,
    ops: postings,
    seconds,
    perSecond: postings / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
  };
}

function legsParams(entryId: string, from: string, to: string, amount: number): unknown[] {
  const a = accountPolicy(from);
  const b = accountPolicy(to);
  return [
    entryId,
    'TRANSFER',
    null,
    '{}',
    [from, to],
    ['PHP', 'PHP'],
    ['DEBIT', 'CREDIT'],
    [amount, amount],
    [a.normalSide, b.normalSide],
    [a.noNegative, b.noNegative],
    false,
  ];
}

async function main(): Promise<void> {
  const dbName = `scratch_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const ds = new DataSource({
    ...buildTypeOrmOptions(
      {
        url: dbUrl,
        poolMax: POOL,
        idleTimeoutMs: 30_000,
        connectTimeoutMs: 60_000,
        healthChecks: true,
      },
      { migrationsRun: false },
    ),
    entities: [],
  });
  const floorPool = new Pool({ connectionString: dbUrl, max: POOL });
  // Dropping the scratch database at the end terminates idle connections: not an error here.
  floorPool.on('error', () => undefined);
  try {
    await ds.initialize();
    (ds.driver as unknown as { master: Pool }).master.on('error', () => undefined);
    await ds.runMigrations({ transaction: 'each' });
    const ledger = new LedgerService(new LedgerRepository(ds));
    const run = randomBytes(3).toString('hex');

    // Seed: fund every wallet, then history between them, so indexes and FK checks are realistic.
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < WALLETS + SEED_ENTRIES) {
          const i = next++;
          if (i < WALLETS) {
            await ledger.post({
              entryId: `seed-fund-${i}`,
              type: 'DEPOSIT',
              legs: [
                { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 1_000_000_000 },
                { account: wallet(i), direction: 'CREDIT', amount: 1_000_000_000 },
              ],
            });
          } else {
            const k = i - WALLETS;
            await ledger.post({
              entryId: `seed-${k}`,
              type: 'PAYMENT',
              legs: [
                { account: wallet(k % WALLETS), direction: 'DEBIT', amount: 10 },
                { account: wallet((k * 7 + 3) % WALLETS), direction: 'CREDIT', amount: 10 },
              ],
            });
          }
        }
      }),
    );
    await ds.query('VACUUM ANALYZE');

    const pair = (i: number): [string, string] => {
      const a = (2 * i) % WALLETS;
      return [wallet(a), wallet(a + 1)];
    };
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const rounds: Result[][] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const tag = `${run}-${round}`;
      const results: Result[] = [];
      // Interleave framework and floor so machine noise hits both alike.
      results.push(
        await measure('floor_distinct (bare pg)', async (i) => {
          const [from, to] = pair(i);
          await floorPool.query({
            name: 'p',
            text: POST_SQL,
            values: legsParams(`fd-${tag}-${i}`, from, to, 1),
          });
        }),
      );
      results.push(
        await measure('a_distinct (LedgerService)', async (i) => {
          const [from, to] = pair(i);
          const r = await ledger.post({
            entryId: `a-${tag}-${i}`,
            type: 'TRANSFER',
            legs: [
              { account: from, direction: 'DEBIT', amount: 1 },
              { account: to, direction: 'CREDIT', amount: 1 },
            ],
          });
          if (r.status !== 'APPLIED') throw new Error(`unexpected ${r.status}`);
        }),
      );
      results.push(
        await measure('floor_hot (bare pg)', async (i) => {
          await floorPool.query({
            name: 'p',
            text: POST_SQL,
            values: legsParams(`fh-${tag}-${i}`, wallet(i % WALLETS), 'platform:fees', 1),
          });
        }),
      );
      results.push(
        await measure('b_hot (LedgerService)', async (i) => {
          const r = await ledger.post({
            entryId: `b-${tag}-${i}`,
            type: 'FEE',
            legs: [
              { account: wallet(i % WALLETS), direction: 'DEBIT', amount: 1 },
              { account: 'platform:fees', direction: 'CREDIT', amount: 1 },
            ],
          });
          if (r.status !== 'APPLIED') throw new Error(`unexpected ${r.status}`);
        }),
      );
      results.push(
        await measure(
          'd_batched (postBatch x100)',
          async (k) => {
            const rs = await ledger.postBatch(
              Array.from({ length: BATCH }, (_, j) => {
                const [from, to] = pair(k * BATCH + j);
                return {
                  entryId: `d-${tag}-${k}-${j}`,
                  type: 'TRANSFER',
                  legs: [
                    { account: from, direction: 'DEBIT' as const, amount: 1 },
                    { account: to, direction: 'CREDIT' as const, amount: 1 },
                  ],
                };
              }),
            );
            if (rs.some((r) => r.status !== 'APPLIED')) throw new Error('unexpected batch outcome');
          },
          BATCH,
          8,
        ),
      );
      rounds.push(results);
    }
    const pick = (rs: Result[], prefix: string) =>
      rs.find((r) => r.name.startsWith(prefix)) as Result;
    console.log(
      `\nLedger benchmark: ${OPS} postings per scenario and round, ${ROUNDS} rounds, ${WORKERS} workers, ` +
        `pool ${POOL}, ${SEED_ENTRIES + WALLETS} seeded entries\n`,
    );
    console.log('round  scenario                      postings/s    p50 ms    p99 ms');
    rounds.forEach((results, round) => {
      for (const r of results)
        console.log(
          `${String(round + 1).padEnd(6)} ${r.name.padEnd(28)} ${r.perSecond.toFixed(0).padStart(11)} ${r.p50.toFixed(1).padStart(9)} ${r.p99.toFixed(1).padStart(9)}`,
        );
    });
    const ratio = (num: string, den: string) =>
      median(rounds.map((rs) => pick(rs, num).perSecond / pick(rs, den).perSecond)).toFixed(2);
    const med = (name: string, f: (r: Result) => number) =>
      median(rounds.map((rs) => f(pick(rs, name))));
    console.log('\nmedians    postings/s   p99 ms');
    for (const name of ['floor_distinct', 'a_distinct', 'floor_hot', 'b_hot', 'd_batched'])
      console.log(
        `${name.padEnd(16)} ${med(name, (r) => r.perSecond)
          .toFixed(0)
          .padStart(6)} ${med(name, (r) => r.p99)
          .toFixed(1)
          .padStart(8)}`,
      );
    console.log(
      `\nratio (a)/(c) distinct / floor          ${ratio('a_distinct', 'floor_distinct')}`,
    );
    console.log(`ratio (b)/(c) hot / floor               ${ratio('b_hot', 'floor_distinct')}`);
    console.log(`ratio (b)/(c hot) hot / hot floor       ${ratio('b_hot', 'floor_hot')}`);
    console.log(`ratio (d)/(c) batched / floor           ${ratio('d_batched', 'floor_distinct')}`);
    const audit = await ds.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
       WHERE a.code LIKE 'wallet:%' AND b.posted < 0`,
    );
    console.log(`negative wallets after the run: ${audit[0].n}`);
  } finally {
    await floorPool.end();
    if (ds.isInitialized) await ds.destroy();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
