import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { SandboxRecords } from 'src/modules/sandbox/sandbox-records';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { trustedPayoutAccount } from '../support/payout-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface WithdrawBody {
  transaction: { id: string; status: string; amount: number; type: string };
  payout: string;
}
interface QueueRow {
  id: string;
  status: string;
  payoutState: string | null;
  providerReference: string | null;
}

/** PayMongo without the payout API (ADR 0055): withdrawals wait for an admin; nothing is sent. */
describe('Manual payouts: PayMongo with PAYMONGO_PAYOUTS_ENABLED=false (e2e)', () => {
  let t: TestApp;
  let ledger: LedgerService;
  let store: SandboxRecords;
  let admin: TestUser;

  beforeAll(async () => {
    t = await createTestApp({
      env: { PAYMENT_PROVIDER: 'paymongo', PAYMONGO_PAYOUTS_ENABLED: 'false' },
    });
    ledger = t.app.get(LedgerService);
    store = t.app.get(SandboxRecords);
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    await t.close();
    delete process.env.PAYMENT_PROVIDER;
    delete process.env.PAYMONGO_PAYOUTS_ENABLED;
  });

  const account = (u: TestUser) => trustedPayoutAccount(t, u);
  const withdraw = async (u: TestUser, amount: number, paymentMethodId: string) =>
    (
      await request(t.url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .set('Idempotency-Key', randomUUID())
        .send({ amount, paymentMethodId })
        .expect(201)
    ).body as WithdrawBody;
  const queued = async (id: string) => {
    const res = await request(t.url).get('/api/admin/withdrawals').set(bearer(admin)).expect(200);
    return (res.body as { data: QueueRow[] }).data.find((w) => w.id === id);
  };
  const txn = async (u: TestUser, id: string) =>
    (await request(t.url).get(`/api/wallet/transactions/${id}`).set(bearer(u)).expect(200))
      .body as { status: string };
  const runPoll = () =>
    request(t.url)
      .post('/api/admin/scheduled-jobs/withdrawal-payouts-poll/run')
      .set(bearer(admin))
      .expect(200);

  const gauge = async (name: string) => {
    const text = (await request(t.url).get('/metrics').expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  it('should count withdrawals waiting for an admin in a gauge and a warning job, with the oldest age', async () => {
    expect(await gauge('withdrawals_awaiting_admin')).toBe(0);
    expect(await gauge('withdrawals_awaiting_admin_oldest_age_seconds')).toBe(0);
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const body = await withdraw(u, 20_000, await account(u));
    // Backdate it so the age is exact whatever the machine's speed.
    await t.db.query(
      `UPDATE transactions SET created_at = now() - interval '2 hours' WHERE id = $1`,
      [body.transaction.id],
    );
    expect(await gauge('withdrawals_awaiting_admin')).toBe(1);
    const age = (await gauge('withdrawals_awaiting_admin_oldest_age_seconds')) ?? 0;
    expect(age).toBeGreaterThanOrEqual(7200);
    expect(age).toBeLessThan(7200 + 600);
    const run = await request(t.url)
      .post('/api/admin/scheduled-jobs/withdrawals-awaiting-admin/run')
      .set(bearer(admin))
      .expect(200);
    expect(run.body).toMatchObject({ outcome: 'succeeded', counts: { waiting: 1 } });
    await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/reject`)
      .set(bearer(admin))
      .send({ reason: 'test cleanup' })
      .expect(200);
    expect(await gauge('withdrawals_awaiting_admin')).toBe(0);
  });

  it('should hold the amount, send nothing, survive the poll, and complete on admin approve', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const pm = await account(u);
    const inTransitBefore = (await ledger.balance('payouts:in_transit')).posted;

    const body = await withdraw(u, 20_000, pm);
    expect(body).toMatchObject({
      transaction: { type: 'WITHDRAWAL', status: 'PENDING', amount: 20_000 },
      payout: 'manual',
    });
    expect(await walletOf(t.url, u)).toEqual(
      expect.objectContaining({ balance: 50_000, reserved: 20_000, available: 30_000 }),
    );
    // The sandbox gateway never saw a payout request.
    expect(await store.countPayouts()).toBe(0);
    expect(await queued(body.transaction.id)).toMatchObject({
      status: 'PENDING',
      payoutState: 'manual',
      providerReference: null,
    });

    await runPoll();
    await runPoll();
    expect(await txn(u, body.transaction.id)).toMatchObject({ status: 'PENDING' });
    expect(await store.countPayouts()).toBe(0);
    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 50_000,
      reserved: 20_000,
      available: 30_000,
    });

    const approved = await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/approve`)
      .set(bearer(admin))
      .send({ reference: 'INSTAPAY-REF-001' })
      .expect(200);
    expect(approved.body).toMatchObject({ id: body.transaction.id, status: 'COMPLETED' });
    // Exactly once: a second approve or a late reject is refused.
    const again = await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/approve`)
      .set(bearer(admin))
      .send({ reference: 'INSTAPAY-REF-001' })
      .expect(409);
    expect(again.body.code).toBe('WITHDRAWAL_NOT_PENDING');
    await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/reject`)
      .set(bearer(admin))
      .send({ reason: 'too late' })
      .expect(409);

    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 30_000,
      reserved: 0,
      available: 30_000,
    });
    expect((await ledger.balance('payouts:in_transit')).posted).toBe(inTransitBefore + 20_000);
    expect(await store.countPayouts()).toBe(0);
    const done = await request(t.url)
      .get('/api/admin/withdrawals?status=COMPLETED')
      .set(bearer(admin))
      .expect(200);
    expect((done.body as { data: unknown[] }).data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: body.transaction.id,
          payoutState: 'succeeded',
          adminReference: 'INSTAPAY-REF-001',
        }),
      ]),
    );
  });

  it('should return the money as a visible REFUND when the admin rejects', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 40_000);
    const pm = await account(u);
    const body = await withdraw(u, 15_000, pm);
    expect(body.payout).toBe('manual');
    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 40_000,
      reserved: 15_000,
      available: 25_000,
    });

    const rejected = await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/reject`)
      .set(bearer(admin))
      .send({ reason: 'account name mismatch' })
      .expect(200);
    expect(rejected.body).toMatchObject({ id: body.transaction.id, status: 'FAILED' });
    await request(t.url)
      .post(`/api/admin/withdrawals/${body.transaction.id}/reject`)
      .set(bearer(admin))
      .send({ reason: 'again' })
      .expect(409);

    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 40_000,
      reserved: 0,
      available: 40_000,
    });
    const refunds = await request(t.url)
      .get('/api/wallet/transactions?type=REFUND')
      .set(bearer(u))
      .expect(200);
    expect(refunds.body.data).toEqual([
      expect.objectContaining({ type: 'REFUND', amount: 15_000, status: 'COMPLETED' }),
    ]);
    expect(await store.countPayouts()).toBe(0);
  });

  it('should let exactly one of concurrent admin approves and rejects win', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 30_000);
    const pm = await account(u);
    const body = await withdraw(u, 10_000, pm);
    expect(body.payout).toBe('manual');
    const path = `/api/admin/withdrawals/${body.transaction.id}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? request(t.url)
              .post(`${path}/approve`)
              .set(bearer(admin))
              .send({ reference: `REF-${i}` })
          : request(t.url)
              .post(`${path}/reject`)
              .set(bearer(admin))
              .send({ reason: `no ${i}` }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 409).map((r) => (r.body as { code: string }).code),
    ).toEqual(Array(7).fill('WITHDRAWAL_NOT_PENDING'));
    const approvedWon = (winners[0].body as { status: string }).status === 'COMPLETED';
    expect(await walletOf(t.url, u)).toMatchObject(
      approvedWon
        ? { balance: 20_000, reserved: 0, available: 20_000 }
        : { balance: 30_000, reserved: 0, available: 30_000 },
    );
    const refunds = await request(t.url)
      .get('/api/wallet/transactions?type=REFUND')
      .set(bearer(u))
      .expect(200);
    expect(refunds.body.data).toHaveLength(approvedWon ? 0 : 1);
    const audit = await request(t.url)
      .get(`/api/admin/audit-log?targetId=${body.transaction.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(audit.body.data).toHaveLength(1);
  });

  it('should page the admin queue oldest first with {data, nextCursor}', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 90_000);
    const pm = await account(u);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await withdraw(u, 20_000, pm)).transaction.id);
    const page = async (query: string) =>
      (await request(t.url).get(`/api/admin/withdrawals?${query}`).set(bearer(admin)).expect(200))
        .body as { data: QueueRow[]; nextCursor: string | null };
    const first = await page('status=PENDING&limit=2');
    expect(first.data.map((w) => w.id)).toEqual(ids.slice(0, 2));
    expect(first.nextCursor).toBe(ids[1]);
    const second = await page(`status=PENDING&limit=2&cursor=${first.nextCursor}`);
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
    await request(t.url)
      .get('/api/admin/withdrawals?cursor=not-an-id')
      .set(bearer(admin))
      .expect(400);
  });
});
