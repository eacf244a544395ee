import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { LedgerService } from '../../src/modules/ledger/ledger.service';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob } from '../support/job-helpers';
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
    await t.app.get(LedgerService).post({
      entryId: `test-deposit:${randomUUID()}`,
      type: 'DEPOSIT',
      legs: [
        { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 500_000 },
        { account: `wallet:${client.id}:available`, direction: 'CREDIT', amount: 500_000 },
      ],
    });
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
  afterAll(() => t.close());

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
    const one = byRef[0];
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
});
