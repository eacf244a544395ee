import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { eventually } from '../support/eventually';
import { fundWallet } from '../support/ledger-helpers';
import { DepositBody, walletOf } from '../support/payment-helpers';
import { trustedPayoutAccount } from '../support/payout-helpers';
import { SANDBOX_XENDIT_API_KEY } from 'src/config/app-config';
import { bareEnv, distFile, startNode, Started, waitForStatus } from '../support/processes';
import { createTestApp, freePort, TestApp } from '../support/test-app';

jest.setTimeout(150_000);

const MAIN = distFile('main.js');

/**
 * The sandbox keeps its checkouts and payouts in the database (ADR 0095): a real `node dist/main.js`
 * in sandbox mode (no gateway keys) takes a deposit and a withdrawal, is killed (SIGKILL) and started
 * again on the same database. The old checkout page still renders and pays (crediting once,
 * through its webhook), and the payout poll finds the pending payout and completes the withdrawal.
 * The in-process app only owns the test database.
 */
describe('Sandbox state survives a restart of the app (e2e)', () => {
  let t: TestApp;
  let port: number;
  let url: string;
  let app: Started | undefined;
  let second: Started | undefined;

  const env = (port: number, url: string) =>
    bareEnv({
      NODE_ENV: 'test',
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'warn',
      JSON_LOGGING: 'true',
      PORT: String(port),
      PUBLIC_BASE_URL: url,
      DATABASE_URL: t.databaseUrl,
      DB_POOL_MAX: '4',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: t.redisPrefix,
      RATE_LIMIT_DISABLED: 'true',
      CRON_DISABLED: 'true',
      // The in-process app's secret, so its users' tokens work on the child too.
      JWT_SECRET: process.env.JWT_SECRET ?? '',
    });

  async function boot(port: number, url: string): Promise<Started> {
    const proc = startNode(MAIN, [], env(port, url));
    await waitForStatus(`${url}/health/ready`, 200, proc, 60_000);
    return proc;
  }

  /**
   * The app on a fresh port each time: re-listening on the old one would race other test files'
   * free-port picks (it is free between the kill and the restart). Nothing the sandbox stores names
   * the port: pages, webhooks and links are built from the running app's base URL.
   */
  async function start(): Promise<void> {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    app = await boot(port, url);
  }

  beforeAll(async () => {
    t = await createTestApp();
    await start();
  });

  afterAll(async () => {
    for (const p of [app, second]) {
      if (!p) continue;
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await t.close();
  });

  it('should render and pay an old checkout once, and settle a pending payout, after a kill and restart', async () => {
    const admin = await createAdmin(t);
    const u: TestUser = await registerUser(url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const paymentMethodId = await trustedPayoutAccount(t, u);

    const deposit = (
      await request(url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 25_000 })
        .expect(201)
    ).body as DepositBody;
    expect(deposit.checkoutUrl).toBe(`${url}/sandbox/checkout/${deposit.checkoutId}`);

    // Long enough that the payout is still pending when the app dies.
    await request(url)
      .post('/sandbox/_control/controls')
      .send({ payoutDelayMs: 4_000 })
      .expect(200);
    const withdrawal = (
      await request(url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .set('Idempotency-Key', randomUUID())
        .send({ amount: 30_000, paymentMethodId })
        .expect(201)
    ).body as { transaction: { id: string; status: string }; payout: string };
    expect(withdrawal.transaction.status).toBe('PENDING');
    expect(withdrawal.payout).toBe('pending');
    const [{ provider_reference: payoutId }] = await t.db.query<
      Array<{ provider_reference: string }>
    >(`SELECT provider_reference FROM transactions WHERE id = $1`, [withdrawal.transaction.id]);
    const payoutBefore = await request(url)
      .get(`/sandbox/_control/payouts/${payoutId}`)
      .expect(200);
    expect(payoutBefore.body).toMatchObject({ provider: 'paymongo', state: 'pending' });

    // Killed, not stopped: nothing of it gets a chance to finish.
    app?.child.kill('SIGKILL');
    expect(await app?.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await start();

    // The old page renders, and paying it credits the deposit (the webhook reached the service).
    const page = await request(url).get(`/sandbox/checkout/${deposit.checkoutId}`).expect(200);
    expect(page.text).toContain('₱250.00');
    expect(page.text).toContain(`action="/sandbox/checkout/${deposit.checkoutId}/pay"`);
    const paid = await request(url)
      .post(`/sandbox/checkout/${deposit.checkoutId}/pay`)
      .type('form')
      .send('')
      .expect(200);
    expect(paid.text).toContain('data-state="paid"');
    // Paying again is refused by the sandbox: it credits once.
    await request(url)
      .post(`/sandbox/_control/checkouts/${deposit.checkoutId}/pay`)
      .send({})
      .expect(409);
    const credited = await walletOf(url, u);
    expect({ balance: credited.balance, reserved: credited.reserved }).toEqual({
      balance: 75_000,
      reserved: 30_000,
    });
    expect(credited.available).toBe(45_000);

    // The payout survived too: once due it settles, and the poll completes the withdrawal.
    await eventually(
      async () =>
        (
          (await request(url).get(`/sandbox/_control/payouts/${payoutId}`).expect(200)).body as {
            state: string;
          }
        ).state === 'succeeded',
      { what: 'sandbox payout settled after the restart' },
    );
    const run = await request(url)
      .post('/api/admin/scheduled-jobs/withdrawal-payouts-poll/run')
      .set(bearer(admin))
      .expect(200);
    expect(run.body).toMatchObject({
      outcome: 'succeeded',
      counts: { succeeded: 1, failed: 0, pending: 0, errors: 0 },
    });
    const txn = await request(url)
      .get(`/api/wallet/transactions/${withdrawal.transaction.id}`)
      .set(bearer(u))
      .expect(200);
    expect(txn.body.status).toBe('COMPLETED');
    const after = await walletOf(url, u);
    expect({
      balance: after.balance,
      reserved: after.reserved,
      available: after.available,
    }).toEqual({ balance: 45_000, reserved: 0, available: 45_000 });
    const deposits = await t.db.query<Array<{ status: string }>>(
      `SELECT status FROM transactions WHERE user_id = $1 AND type = 'DEPOSIT'`,
      [u.id],
    );
    expect(deposits).toEqual([{ status: 'COMPLETED' }]);
  });

  it('should pay a checkout once and make an idempotent create once when two instances race on one database', async () => {
    const portB = await freePort();
    const urlB = `http://127.0.0.1:${portB}`;
    second = await boot(portB, urlB);
    const u: TestUser = await registerUser(url, 'CLIENT');
    const deposit = (
      await request(url)
        .post('/api/wallet/deposit')
        .set(bearer(u))
        .send({ amount: 25_000 })
        .expect(201)
    ).body as DepositBody;

    // Three customers' clicks on each instance at once: one pays, five are told it is not open.
    const pays = await Promise.all(
      [url, urlB, url, urlB, url, urlB].map(
        async (base) =>
          (
            await request(base)
              .post(`/sandbox/_control/checkouts/${deposit.checkoutId}/pay`)
              .send({})
          ).status,
      ),
    );
    expect(pays.sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const wallet = await walletOf(url, u);
    expect({ balance: wallet.balance, available: wallet.available }).toEqual({
      balance: 25_000,
      available: 25_000,
    });

    // The same payout create, same key, on both instances at once: one payout, one reply.
    const key = randomUUID();
    const payout = {
      reference_id: `race-${key}`,
      channel_code: 'PH_BDO',
      channel_properties: { account_number: '001234567891', account_holder_name: 'Juan Cruz' },
      amount: 150.25,
      currency: 'PHP',
      description: 'race',
    };
    const auth = `Basic ${Buffer.from(`${SANDBOX_XENDIT_API_KEY}:`).toString('base64')}`;
    const replies = await Promise.all(
      [url, urlB, url, urlB].map(async (base) => {
        const res = await request(base)
          .post('/sandbox/xendit/v2/payouts')
          .set('Authorization', auth)
          .set('Idempotency-key', key)
          .send(payout);
        return { status: res.status, id: (res.body as { id?: string }).id };
      }),
    );
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([200]));
    expect(new Set(replies.map((r) => r.id)).size).toBe(1);
    const rows = await t.db.query<Array<{ n: string; amount: string }>>(
      `SELECT count(*) AS n, max((data->>'amount')::bigint) AS amount FROM sandbox_payouts
       WHERE data->>'reference' = $1`,
      [payout.reference_id],
    );
    expect(rows).toEqual([{ n: '1', amount: '15025' }]);
  });

  it('should record the payout poll as failed, with its counts, while the gateway cannot be asked', async () => {
    const admin = await createAdmin(t);
    const u: TestUser = await registerUser(url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const paymentMethodId = await trustedPayoutAccount(t, u);
    await request(url)
      .post('/sandbox/_control/controls')
      .send({ payoutDelayMs: 600_000 })
      .expect(200);
    const withdrawal = (
      await request(url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .set('Idempotency-Key', randomUUID())
        .send({ amount: 30_000, paymentMethodId })
        .expect(201)
    ).body as { transaction: { id: string }; payout: string };
    expect(withdrawal.payout).toBe('pending');
    const poll = async () =>
      (
        await request(url)
          .post('/api/admin/scheduled-jobs/withdrawal-payouts-poll/run')
          .set(bearer(admin))
          .expect(200)
      ).body as { outcome: string; counts: Record<string, number>; error: string | null };

    // The gateway answers the lookup (and the adapter's one retry of a read) with a 5xx.
    await request(url).post('/sandbox/_control/controls').send({ failNextCalls: 2 }).expect(200);
    expect(await poll()).toMatchObject({
      outcome: 'failed',
      counts: { succeeded: 0, failed: 0, pending: 0, errors: 1 },
      error: '1 of 1 pending payouts could not be checked with the gateway',
    });
    // Asked again, the gateway answers: still pending there, and the run succeeded.
    expect(await poll()).toMatchObject({
      outcome: 'succeeded',
      counts: { succeeded: 0, failed: 0, pending: 1, errors: 0 },
      error: null,
    });
    const wallet = await walletOf(url, u);
    expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({
      balance: 50_000,
      reserved: 30_000,
    });
  });
});
