import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  SANDBOX_PAYMONGO_SECRET_KEY,
  SANDBOX_PAYMONGO_WEBHOOK_SECRET,
} from 'src/config/app-config';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createAdmin } from '../support/admin-helpers';
import { createJob } from '../support/job-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { trustedPayoutAccount } from '../support/payout-helpers';
import { bareEnv, distFile, startNode, Started, waitForStatus } from '../support/processes';
import { sandboxAct } from '../support/sandbox-helpers';
import { createTestApp, freePort, TestApp } from '../support/test-app';

jest.setTimeout(110_000);

/** The real `node dist/main.js`, as a container runs it. */
const MAIN = distFile('main.js');
/** Short lease so the retry may take over the crashed request's key within seconds. */
const LEASE_SECONDS = '1';

/**
 * Where each flow is crashed, in the order the tests below run (the next instances boot while the
 * current test runs). Every boot costs seconds, so each flow is crashed where it leaves a distinct
 * state behind: nothing asked of the gateway yet; asked but the answer not recorded; everything done
 * but the key not completed. For flows without a gateway call `after-commit` and
 * `before-key-complete` leave the same state (effect committed, key open), so one of them is used.
 */
const PLAN = {
  deposit: ['after-commit', 'after-gateway-call'],
  withdrawal: ['before-gateway-call', 'after-gateway-call', 'before-key-complete'],
  downpayment: ['before-key-complete'],
  approve: ['after-commit'],
  refund: ['after-commit'],
  adminApprove: ['after-commit'],
  verification: ['after-gateway-call'],
};
const BOOT_ORDER = Object.values(PLAN).flat();

interface Instance {
  proc: Started;
  url: string;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  replayed: boolean;
}

/**
 * Two real instances over one database (ADR 0060, 0061): instance A is started with one crash point
 * armed and dies (SIGKILL) inside a keyed money request; the client retries on instance B with the
 * same Idempotency-Key. Exactly one effect must exist, and B must answer with it (same ids). The
 * in-process app owns the database, the gateway sandbox (which both instances call over HTTP) and the
 * ledger audit at the end.
 */
describe('Crash safety: keyed money requests survive a crash at every point (e2e)', () => {
  let t: TestApp;
  let b: Instance;
  let admin: TestUser;
  const crashed: Started[] = [];
  /** Instances booting ahead, by index in BOOT_ORDER (two ahead: a boot takes longer than a test). */
  const ahead = new Map<number, Promise<Instance>>();
  let booted = 0;
  const AHEAD = 2;

  const instanceEnv = (port: number, crashPoints: string) =>
    bareEnv({
      NODE_ENV: 'test',
      ENVIRONMENT: 'test',
      LOG_LEVEL: 'warn',
      JSON_LOGGING: 'true',
      PORT: String(port),
      PUBLIC_BASE_URL: t.url,
      DATABASE_URL: t.databaseUrl,
      DB_POOL_MAX: '4',
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      REDIS_KEY_PREFIX: t.redisPrefix,
      RATE_LIMIT_DISABLED: 'true',
      CRON_DISABLED: 'true',
      JWT_SECRET: process.env.JWT_SECRET ?? '',
      // Both instances use the in-process app's sandbox as their gateway, with its fixed credentials
      // (outside the sandbox itself a gateway key is never defaulted).
      PAYMONGO_BASE_URL: `${t.url}/sandbox/paymongo`,
      PAYMONGO_SECRET_KEY: SANDBOX_PAYMONGO_SECRET_KEY,
      PAYMONGO_WEBHOOK_SECRET: SANDBOX_PAYMONGO_WEBHOOK_SECRET,
      PAYMONGO_PAYOUTS_ENABLED: 'true',
      IDEMPOTENCY_LEASE_SECONDS: LEASE_SECONDS,
      CRASH_POINTS: crashPoints,
    });

  async function boot(crashPoints = ''): Promise<Instance> {
    const port = await freePort();
    const proc = startNode(MAIN, [], instanceEnv(port, crashPoints));
    if (crashPoints) crashed.push(proc);
    const url = `http://127.0.0.1:${port}`;
    await waitForStatus(`${url}/health/ready`, 200, proc, 60_000);
    return { proc, url };
  }

  /** An instance armed with `point`, booted ahead of time when the plan is followed. */
  function armed(point: string): Promise<Instance> {
    const planned = BOOT_ORDER[booted] === point ? ahead.get(booted) : undefined;
    booted++;
    bootAhead();
    return planned ?? boot(point);
  }

  function bootAhead(): void {
    for (let i = booted; i < Math.min(booted + AHEAD, BOOT_ORDER.length); i++) {
      if (ahead.has(i)) continue;
      const p = boot(BOOT_ORDER[i]);
      p.catch(() => undefined); // its own test reports a failed boot
      ahead.set(i, p);
    }
  }

  async function send(
    url: string,
    user: TestUser,
    path: string,
    body: object,
    key: string,
  ): Promise<Reply> {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        ...bearer(user),
      },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
      replayed: res.headers.get('idempotent-replayed') === 'true',
    };
  }

  /**
   * Sends the request to an instance armed with `point` and waits for it to die there; then retries
   * on B with the same key until the crashed request's lease is over (polling, generous deadline).
   */
  async function crashThenRetry(
    point: string,
    user: TestUser,
    path: string,
    body: object,
  ): Promise<{ key: string; retried: Reply }> {
    const key = `crash-${point}-${randomUUID()}`;
    const a = await armed(point);
    const first = await send(a.url, user, path, body, key).then(
      (r) => `answered ${r.status} ${JSON.stringify(r.body)}`,
      () => 'no answer',
    );
    expect(first).toBe('no answer');
    expect(await a.proc.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const retried = await send(b.url, user, path, body, key);
      if (retried.body.code !== 'IDEMPOTENCY_REQUEST_IN_PROGRESS') return { key, retried };
      if (Date.now() > deadline) throw new Error('the crashed request kept its key');
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  /** The same key once more: the stored answer, byte for byte the retry's. */
  async function expectReplayOf(
    retried: Reply,
    user: TestUser,
    path: string,
    body: object,
    key: string,
  ): Promise<void> {
    const again = await send(b.url, user, path, body, key);
    expect(again).toEqual({ ...retried, replayed: true });
  }

  /** A worker with 50,000 in the wallet and a trusted payout account; the body withdraws 30,000. */
  async function withdrawalRequest() {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const paymentMethodId = await trustedPayoutAccount(t, u);
    return { u, body: { amount: 30_000, paymentMethodId } };
  }

  const ids = async (sql: string, params: unknown[]) =>
    (await t.db.query<Array<{ id: string }>>(sql, params)).map((r) => r.id);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    bootAhead();
    b = await boot();
    await request(t.url).post('/sandbox/_control/reset').expect(200);
  });

  afterAll(async () => {
    for (const p of crashed) p.child.kill('SIGKILL');
    if (b) {
      b.proc.child.kill('SIGTERM');
      await b.proc.exited;
    }
    await t.close();
  });

  describe('deposit', () => {
    it.each(PLAN.deposit)(
      'should keep one deposit and one checkout after a crash at %s, and credit it once when paid',
      async (point) => {
        const u = await registerUser(t.url);
        const path = '/api/wallet/deposit';
        const body = { amount: 25_000 };
        const { key, retried } = await crashThenRetry(point, u, path, body);
        expect(retried.status).toBe(201);
        const deposits = await ids(
          `SELECT id FROM transactions WHERE user_id = $1 AND type = 'DEPOSIT'`,
          [u.id],
        );
        expect(deposits).toHaveLength(1);
        const tx = retried.body.transaction as { id: string; status: string };
        expect(tx.id).toBe(deposits[0]);
        expect(tx.status).toBe('PENDING');
        await expectReplayOf(retried, u, path, body, key);

        await sandboxAct(t.url, retried.body.checkoutId as string, 'pay');
        const wallet = await walletOf(t.url, u);
        expect({ balance: wallet.balance, available: wallet.available }).toEqual({
          balance: 25_000,
          available: 25_000,
        });
      },
    );
  });

  describe('withdrawal', () => {
    it.each(PLAN.withdrawal)(
      'should hold once and request one payout after a crash at %s',
      async (point) => {
        const { u, body } = await withdrawalRequest();
        const path = '/api/wallet/withdraw';
        const { key, retried } = await crashThenRetry(point, u, path, body);
        expect(retried.status).toBe(201);
        const withdrawals = await t.db.query<
          Array<{ id: string; provider_reference: string | null }>
        >(
          `SELECT id, provider_reference FROM transactions WHERE user_id = $1 AND type = 'WITHDRAWAL'`,
          [u.id],
        );
        expect(withdrawals).toHaveLength(1);
        expect((retried.body.transaction as { id: string }).id).toBe(withdrawals[0].id);
        // The payout was asked for (also when the crash came before the gateway call).
        expect(withdrawals[0].provider_reference).toEqual(expect.any(String));
        expect(retried.body.payout).toBe('pending');
        // One hold: 30,000 reserved, not 60,000.
        const wallet = await walletOf(t.url, u);
        expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({
          balance: 50_000,
          reserved: 30_000,
        });
        await expectReplayOf(retried, u, path, body, key);
      },
    );
  });

  describe('job payments', () => {
    const parties = async () => {
      const client = await registerUser(t.url, 'CLIENT');
      const worker = await registerUser(t.url, 'WORKER');
      await fundWallet(t, client, 200_000);
      const job = await createJob(t.url, client, worker, 100_000);
      return { client, worker, job };
    };
    const pay = (u: TestUser, jobId: string, step: string) =>
      request(t.url).post(`/api/jobs/${jobId}/${step}`).set(bearer(u)).send({ method: 'WALLET' });

    it.each(PLAN.downpayment)(
      'should take the wallet downpayment once after a crash at %s and answer with the job, not a stored 409',
      async (point) => {
        const { client, job } = await parties();
        const path = `/api/jobs/${job.id}/downpayment`;
        const { key, retried } = await crashThenRetry(point, client, path, { method: 'WALLET' });
        expect(retried.status).toBe(200);
        expect((retried.body.job as { id: string; status: string }).status).toBe('IN_PROGRESS');
        const paid = job.downpaymentAmount + job.platformFee;
        expect((await walletOf(t.url, client)).available).toBe(200_000 - paid);
        await expectReplayOf(retried, client, path, { method: 'WALLET' }, key);
      },
    );

    it.each(PLAN.approve)(
      'should pay the remaining half once after a crash at %s',
      async (point) => {
        const { client, worker, job } = await parties();
        await pay(client, job.id, 'downpayment').expect(200);
        await request(t.url).post(`/api/jobs/${job.id}/complete`).set(bearer(worker)).expect(200);
        const path = `/api/jobs/${job.id}/approve-completion`;
        const { key, retried } = await crashThenRetry(point, client, path, { method: 'WALLET' });
        expect(retried.status).toBe(200);
        expect((retried.body.job as { status: string }).status).toBe('COMPLETED');
        const paid = job.downpaymentAmount + job.platformFee + job.remainingAmount;
        expect((await walletOf(t.url, client)).available).toBe(200_000 - paid);
        expect((await walletOf(t.url, worker)).pendingEarnings).toBe(job.budget);
        await expectReplayOf(retried, client, path, { method: 'WALLET' }, key);
      },
    );
  });

  describe('admin refund', () => {
    it.each(PLAN.refund)('should refund once after a crash at %s', async (point) => {
      const client = await registerUser(t.url, 'CLIENT');
      const worker = await registerUser(t.url, 'WORKER');
      await fundWallet(t, client, 200_000);
      const job = await createJob(t.url, client, worker, 100_000);
      await request(t.url)
        .post(`/api/jobs/${job.id}/downpayment`)
        .set(bearer(client))
        .send({ method: 'WALLET' })
        .expect(200);
      await request(t.url)
        .post(`/api/jobs/${job.id}/cancel`)
        .set(bearer(client))
        .send({ reason: 'changed my mind' })
        .expect(200);
      const [fee] = await ids(`SELECT id FROM transactions WHERE job_id = $1 AND type = 'FEE'`, [
        job.id,
      ]);
      const before = (await walletOf(t.url, client)).available;
      const path = `/api/admin/transactions/${fee}/refund`;
      const body = { amount: 1_000, reason: 'goodwill' };
      const { key, retried } = await crashThenRetry(point, admin, path, body);
      expect(retried.status).toBe(200);
      const refunds = await ids(
        `SELECT id FROM transactions WHERE type = 'REFUND' AND metadata->>'refundOf' = $1`,
        [fee],
      );
      expect(refunds).toHaveLength(1);
      expect((retried.body.refund as { id: string }).id).toBe(refunds[0]);
      expect(retried.body.refundedTotal).toBe(1_000);
      expect((await walletOf(t.url, client)).available).toBe(before + 1_000);
      await expectReplayOf(retried, admin, path, body, key);
    });
  });

  describe('admin withdrawal approval', () => {
    it.each(PLAN.adminApprove)(
      'should post the hold once after a crash at %s and answer with the approved withdrawal, not a 409',
      async (point) => {
        const { u, body: withdrawal } = await withdrawalRequest();
        const w = await request(t.url)
          .post('/api/wallet/withdraw')
          .set(bearer(u))
          .send(withdrawal)
          .expect(201);
        const id = (w.body as { transaction: { id: string } }).transaction.id;
        const path = `/api/admin/withdrawals/${id}/approve`;
        const body = { reference: 'BANK-REF-1' };
        const { key, retried } = await crashThenRetry(point, admin, path, body);
        expect(retried.status).toBe(200);
        expect(retried.body).toMatchObject({ id, status: 'COMPLETED' });
        const audits = await ids(
          `SELECT id FROM audit_log WHERE action = 'withdrawal.approve' AND target_id = $1`,
          [id],
        );
        expect(audits).toHaveLength(1);
        const wallet = await walletOf(t.url, u);
        expect({ balance: wallet.balance, reserved: wallet.reserved }).toEqual({
          balance: 20_000,
          reserved: 0,
        });
        await expectReplayOf(retried, admin, path, body, key);
      },
    );
  });

  describe('GCash verification', () => {
    it.each(PLAN.verification)(
      'should keep one method and one verification checkout after a crash at %s',
      async (point) => {
        const u = await registerUser(t.url, 'WORKER');
        const path = '/api/payment-methods';
        const body = { type: 'GCASH', accountName: 'Ana Reyes', accountNumber: '09181234567' };
        const { key, retried } = await crashThenRetry(point, u, path, body);
        expect(retried.status).toBe(201);
        const methods = await ids(`SELECT id FROM payment_methods WHERE user_id = $1`, [u.id]);
        const txns = await t.db.query<Array<{ id: string; provider_reference: string }>>(
          `SELECT id, provider_reference FROM transactions
           WHERE user_id = $1 AND type = 'VERIFICATION_BONUS'`,
          [u.id],
        );
        expect(methods).toHaveLength(1);
        expect(txns).toHaveLength(1);
        expect((retried.body.paymentMethod as { id: string }).id).toBe(methods[0]);
        const verification = retried.body.verification as { checkoutId: string };
        expect(verification.checkoutId).toBe(txns[0].provider_reference);
        await expectReplayOf(retried, u, path, body, key);
      },
    );
  });
});
