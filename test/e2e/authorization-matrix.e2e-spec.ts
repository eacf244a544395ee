import request from 'supertest';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createJob } from '../support/job-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { fillPath, loadOperations, type Operation, plausible } from '../support/openapi';
import { startDeposit } from '../support/payment-helpers';
import { trustedPayoutAccount } from '../support/payout-helpers';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The authorization matrix (issue 10), generated from the OpenAPI document so a new route is
 * covered without editing this file: every route with a path id, called by a user of each role with
 * ids that belong to other users (transactions, jobs, payout accounts, users), answers 404 or 403 and
 * changes nothing; every admin route answers 403 to every non-admin role, whatever id it is given.
 */
describe('Authorization matrix (e2e)', () => {
  let t: TestApp;
  let ops: Operation[];
  let foreignIds: string[];
  const attackers: Record<string, TestUser> = {};
  const owners: TestUser[] = [];

  const snapshot = async () => {
    const ids = owners.map((o) => o.id);
    return {
      transactions: await t.db.query(
        `SELECT id, status, amount, metadata FROM transactions WHERE user_id = ANY($1) ORDER BY id`,
        [ids],
      ),
      jobs: await t.db.query(
        `SELECT id, status FROM jobs WHERE client_id = ANY($1) OR worker_id = ANY($1) ORDER BY id`,
        [ids],
      ),
      methods: await t.db.query(
        `SELECT id, is_primary, is_verified FROM payment_methods WHERE user_id = ANY($1) ORDER BY id`,
        [ids],
      ),
      ledger: await t.db.query(`SELECT count(*) AS entries FROM ledger_entries`),
      audit: await t.db.query(`SELECT count(*) AS records FROM audit_log`),
    };
  };

  beforeAll(async () => {
    t = await createTestApp();
    const [client, worker, agency] = await Promise.all(
      ['CLIENT', 'WORKER', 'AGENCY'].map((r) => registerUser(t.url, r)),
    );
    owners.push(client, worker, agency);
    // Objects of every kind, in several states, owned by the owners.
    await fundWallet(t, client, 500_000);
    await fundWallet(t, worker, 50_000);
    const paid = await createJob(t.url, client, worker, 100_000);
    await request(t.url)
      .post(`/api/jobs/${paid.id}/downpayment`)
      .set(bearer(client))
      .send({ method: 'WALLET' })
      .expect(200);
    await createJob(t.url, client, agency, 50_000);
    await startDeposit(t.url, agency, 10_000);
    await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(worker))
      .send({
        type: 'BANK',
        accountName: 'Wendy Worker',
        accountNumber: '55554444',
        bankCode: 'BDO',
      })
      .expect(201);
    await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(agency))
      .send({ type: 'GCASH', accountName: 'Agency Inc', accountNumber: '09175550099' })
      .expect(201);
    const payout = await trustedPayoutAccount(t, worker, { accountNumber: '09175550088' });
    await request(t.url)
      .post('/api/wallet/withdraw')
      .set(bearer(worker))
      .send({ amount: 10_000, paymentMethodId: payout })
      .expect(201);

    const ids = owners.map((o) => o.id);
    const rows = await t.db.query<Array<{ id: string }>>(
      `SELECT id FROM transactions WHERE user_id = ANY($1)
       UNION ALL SELECT id FROM jobs WHERE client_id = ANY($1)
       UNION ALL SELECT id FROM payment_methods WHERE user_id = ANY($1)`,
      [ids],
    );
    foreignIds = [...rows.map((r) => r.id), ...ids];
    for (const role of ['CLIENT', 'WORKER', 'AGENCY'])
      attackers[role] = await registerUser(t.url, role);
    attackers.ADMIN = await createAdmin(t);
    ops = (await loadOperations(t.url)).filter((o) => o.pathParams.length > 0);
  });
  afterAll(() => t.close());

  const call = (op: Operation, id: string, u: TestUser) =>
    request(t.url)
      [op.method](fillPath(op.template, () => id))
      .set(bearer(u))
      .send(op.body ? (plausible(op.body) as object) : undefined);

  it('should find the routes with ids and a pool of other users’ ids of every kind', () => {
    expect(foreignIds.length).toBeGreaterThanOrEqual(12);
    expect(ops.map((o) => `${o.method} ${o.template}`)).toEqual(
      expect.arrayContaining([
        'get /api/wallet/transactions/{id}',
        'get /api/jobs/{id}',
        'post /api/jobs/{id}/cancel',
        'delete /api/payment-methods/{id}',
        'post /api/admin/withdrawals/{id}/approve',
      ]),
    );
  });

  it("should answer 404 or 403 to every role calling any id route with another user's ids, changing nothing", async () => {
    const before = await snapshot();
    const userOps = ops.filter((o) => !o.template.startsWith('/api/admin/'));
    const wrong: string[] = [];
    let calls = 0;
    for (const op of userOps)
      for (const [role, u] of Object.entries(attackers))
        for (const id of foreignIds) {
          const res = await call(op, id, u);
          calls++;
          if (res.status !== 404 && res.status !== 403)
            wrong.push(
              `${op.method} ${op.template} as ${role} with ${id} → ${res.status} ${res.body?.code}`,
            );
        }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(calls).toBe(userOps.length * 4 * foreignIds.length);
    expect(await snapshot()).toEqual(before);
  });

  it('should answer 403 FORBIDDEN to every non-admin role on every admin route, whatever the id', async () => {
    const before = await snapshot();
    const adminOps = ops.filter((o) => o.template.startsWith('/api/admin/'));
    expect(adminOps.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const op of adminOps)
      for (const role of ['CLIENT', 'WORKER', 'AGENCY'])
        for (const id of foreignIds) {
          const res = await call(op, id, attackers[role]);
          if (res.status !== 403 || res.body?.code !== 'FORBIDDEN')
            wrong.push(`${op.method} ${op.template} as ${role} → ${res.status} ${res.body?.code}`);
        }
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});
