import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob } from '../support/job-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface Txn {
  id: string;
  userId: string;
  type: string;
  status: string;
  amount: number;
  jobId: string | null;
  ledgerEntryId: string | null;
}
const rowsOf = (body: unknown) => (body as { data: Txn[] }).data;

describe('Admin transactions search (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let client: TestUser;
  let worker: TestUser;
  let jobA: string;
  let jobB: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    [client, worker] = await Promise.all([
      registerUser(t.url, 'CLIENT'),
      registerUser(t.url, 'WORKER'),
    ]);
    await fundWallet(t, client, 500_000);
    for (const budget of [20_000, 30_000]) {
      const job = await createJob(t.url, client, worker, budget);
      await request(t.url)
        .post(`/api/jobs/${job.id}/downpayment`)
        .set(bearer(client))
        .send({ method: 'WALLET' })
        .expect(200);
      if (!jobA) jobA = job.id;
      else jobB = job.id;
    }
    await request(t.url).post(`/api/jobs/${jobB}/complete`).set(bearer(worker)).expect(200);
    await request(t.url)
      .post(`/api/jobs/${jobB}/approve-completion`)
      .set(bearer(client))
      .send({ method: 'WALLET' })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  const search = (qs = '') => request(t.url).get(`/api/admin/transactions${qs}`).set(bearer(admin));

  it('should refuse anyone but an ADMIN', async () => {
    await request(t.url).get('/api/admin/transactions').expect(401);
    for (const u of [client, worker, await registerUser(t.url, 'AGENCY')]) {
      await request(t.url).get('/api/admin/transactions').set(bearer(u)).expect(403);
      await request(t.url)
        .get(`/api/admin/transactions/${randomUUID()}`)
        .set(bearer(u))
        .expect(403);
    }
  });

  it('should filter by user, type, status and job, newest first', async () => {
    const mine = rowsOf((await search(`?userId=${client.id}`).expect(200)).body);
    // Job A: PAYMENT + FEE; job B: PAYMENT + FEE + remaining PAYMENT.
    expect(mine.map((x) => [x.type, x.amount]).sort()).toEqual(
      [
        ['FEE', 2000],
        ['FEE', 3000],
        ['PAYMENT', 10_000],
        ['PAYMENT', 15_000],
        ['PAYMENT', 15_000],
      ].sort(),
    );
    expect(mine.every((x) => x.userId === client.id && x.ledgerEntryId)).toBe(true);
    const fees = rowsOf((await search(`?userId=${client.id}&type=FEE`).expect(200)).body);
    expect(fees.map((x) => x.amount)).toEqual([3000, 2000]);
    const pending = rowsOf((await search('?status=PENDING').expect(200)).body);
    expect(pending.map((x) => [x.type, x.userId, x.amount])).toEqual([
      ['PENDING_EARNING', worker.id, 30_000],
    ]);
    const byJob = rowsOf((await search(`?jobId=${jobA}`).expect(200)).body);
    expect(byJob.map((x) => x.type).sort()).toEqual(['FEE', 'PAYMENT']);
  });

  it('should match a reference exactly and filter by date range', async () => {
    const byRef = rowsOf((await search(`?reference=${jobB}`).expect(200)).body);
    expect(byRef).toHaveLength(4);
    const one = byRef.filter((x) => x.userId === client.id)[0];
    const byId = rowsOf((await search(`?reference=${one.id}`).expect(200)).body);
    expect(byId.map((x) => x.id)).toEqual([one.id]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(Date.now() - 3_600_000).toISOString();
    expect(rowsOf((await search(`?from=${future}`).expect(200)).body)).toEqual([]);
    expect(rowsOf((await search(`?from=${past}&to=${future}`).expect(200)).body)).toHaveLength(6);
    const detail = await request(t.url)
      .get(`/api/admin/transactions/${one.id}`)
      .set(bearer(admin))
      .expect(200);
    expect(detail.body).toMatchObject({ id: one.id, userEmail: client.email });
    await request(t.url)
      .get(`/api/admin/transactions/${randomUUID()}`)
      .set(bearer(admin))
      .expect(404);
  });

  it('should paginate with a cursor and reject bad filters', async () => {
    const p1 = await search('?limit=4').expect(200);
    expect(rowsOf(p1.body)).toHaveLength(4);
    const p2 = await search(`?limit=4&cursor=${p1.body.nextCursor}`).expect(200);
    expect(rowsOf(p2.body)).toHaveLength(2);
    expect(p2.body.nextCursor).toBeNull();
    const ids = [...rowsOf(p1.body), ...rowsOf(p2.body)].map((x) => x.id);
    expect(new Set(ids).size).toBe(6);
    for (const qs of [
      '?type=NOPE',
      '?status=DONE',
      '?userId=abc',
      '?from=yesterday',
      '?limit=0',
      '?limit=101',
      '?cursor=1',
      `?from=${new Date().toISOString()}&to=${new Date(Date.now() - 1000).toISOString()}`,
      '?unknown=1',
    ])
      await search(qs).expect(400);
  });
  describe('POST /api/admin/transactions/:id/refund', () => {
    const available = async (u: TestUser) =>
      (
        (await request(t.url).get('/api/wallet').set(bearer(u)).expect(200)).body as {
          available: number;
        }
      ).available;
    const account = async (code: string) => (await t.app.get(LedgerService).balance(code)).posted;
    const txnOf = async (jobId: string, type: string, amount?: number) => {
      const rows = rowsOf((await search(`?jobId=${jobId}&type=${type}`).expect(200)).body);
      const row = rows.find((x) => amount === undefined || x.amount === amount);
      if (!row) throw new Error(`no ${type} for ${jobId}`);
      return row;
    };
    const refund = (id: string, body: object, key?: string) => {
      const r = request(t.url).post(`/api/admin/transactions/${id}/refund`).set(bearer(admin));
      if (key) void r.set('Idempotency-Key', key);
      return r.send(body);
    };

    it('should refuse non-admins and bad input', async () => {
      const fee = await txnOf(jobB, 'FEE');
      for (const u of [client, worker])
        await request(t.url)
          .post(`/api/admin/transactions/${fee.id}/refund`)
          .set(bearer(u))
          .send({ amount: 1, reason: 'x' })
          .expect(403);
      for (const body of [
        { amount: 0, reason: 'x' },
        { amount: -1, reason: 'x' },
        { amount: 1.5, reason: 'x' },
        { amount: '100', reason: 'x' },
        { amount: 100 },
        { amount: 100, reason: '  ' },
        { amount: 100, reason: 'x', extra: true },
      ])
        await refund(fee.id, body).expect(400);
      await refund(randomUUID(), { amount: 1, reason: 'x' }).expect(404);
    });

    it('should refund a fee up to what was paid, from platform fees, audited', async () => {
      const fee = await txnOf(jobB, 'FEE');
      const [walletBefore, feesBefore] = [await available(client), await account('platform:fees')];
      const first = await refund(fee.id, { amount: 1000, reason: 'goodwill' }).expect(200);
      expect(first.body).toMatchObject({
        refund: { type: 'REFUND', status: 'COMPLETED', amount: 1000, jobId: jobB },
        refundedTotal: 1000,
        refundable: 2000,
      });
      const over = await refund(fee.id, { amount: 2001, reason: 'too much' }).expect(409);
      expect(over.body.code).toBe('REFUND_EXCEEDS_PAID');
      await refund(fee.id, { amount: 2000, reason: 'rest' }).expect(200);
      await refund(fee.id, { amount: 1, reason: 'one more' }).expect(409);
      expect(await available(client)).toBe(walletBefore + 3000);
      expect(await account('platform:fees')).toBe(feesBefore - 3000);
      const audit = await request(t.url)
        .get(`/api/admin/audit-log?action=transaction.refund&targetId=${fee.id}`)
        .set(bearer(admin))
        .expect(200);
      expect(audit.body.data).toHaveLength(2);
      expect(audit.body.data[1]).toMatchObject({
        actorId: admin.id,
        before: { refunded: 0 },
        after: { refunded: 1000 },
      });
    });

    it('should cap concurrent refunds exactly and replay a retried key once', async () => {
      const remaining = await txnOf(jobB, 'PAYMENT');
      const walletBefore = await available(client);
      const adjBefore = await account('platform:adjustments');
      const replay1 = await refund(remaining.id, { amount: 500, reason: 'r' }, 'ref-1').expect(200);
      const replay2 = await refund(remaining.id, { amount: 500, reason: 'r' }, 'ref-1').expect(200);
      expect(replay2.headers['idempotent-replayed']).toBe('true');
      expect(replay2.text).toBe(replay1.text);
      // 14_500 left; 20 concurrent refunds of 1000 → exactly 14 succeed.
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          refund(remaining.id, { amount: 1000, reason: `c${i}` }),
        ),
      );
      expect(results.filter((r) => r.status === 200)).toHaveLength(14);
      expect(results.filter((r) => r.status === 409)).toHaveLength(6);
      expect(await available(client)).toBe(walletBefore + 500 + 14_000);
      expect(await account('platform:adjustments')).toBe(adjBefore - 14_500);
    });

    it('should refuse money of a running job, count the cancel refund, and refuse other types', async () => {
      const downA = await txnOf(jobA, 'PAYMENT');
      const running = await refund(downA.id, { amount: 1, reason: 'x' }).expect(409);
      expect(running.body.code).toBe('JOB_NOT_SETTLED');
      await request(t.url)
        .post(`/api/jobs/${jobA}/cancel`)
        .set(bearer(client))
        .send({ reason: 'stop' })
        .expect(200);
      // The cancel already returned the whole downpayment.
      const after = await refund(downA.id, { amount: 1, reason: 'x' }).expect(409);
      expect(after.body.code).toBe('REFUND_EXCEEDS_PAID');
      const earning = rowsOf((await search('?type=PENDING_EARNING').expect(200)).body)[0];
      const notRefundable = await refund(earning.id, { amount: 1, reason: 'x' }).expect(409);
      expect(notRefundable.body.code).toBe('NOT_REFUNDABLE');
    });
  });
});
