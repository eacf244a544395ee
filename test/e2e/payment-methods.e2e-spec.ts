import request from 'supertest';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { walletOf } from '../support/payment-helpers';
import { createAdmin, sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { connectSocket, nextEvent } from '../support/socket-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface AddBody {
  paymentMethod: {
    id: string;
    accountNumber: string;
    isVerified: boolean;
    isPrimary: boolean;
    type: string;
  };
  verification: { required: boolean; amount?: number; checkoutUrl?: string; checkoutId?: string };
}

describe('Payment methods and GCash verification (e2e)', () => {
  let t: TestApp;
  let admin: { accessToken: string; id: string };
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3 });
  });

  const add = async (u: TestUser, body: Record<string, unknown>, status = 201) =>
    (await request(t.url).post('/api/payment-methods').set(bearer(u)).send(body).expect(status))
      .body as AddBody;
  const list = async (u: TestUser) => {
    const res = await request(t.url).get('/api/payment-methods').set(bearer(u)).expect(200);
    expect(res.body).toMatchObject({ nextCursor: null });
    return (res.body as { data: AddBody['paymentMethod'][] }).data;
  };
  const gcash = { type: 'GCASH', accountName: 'Juan Dela Cruz', accountNumber: '+63 917 123 4567' };
  const methodRows = async (u: TestUser) =>
    t.db.query<Array<{ id: string; is_verified: boolean }>>(
      `SELECT id, is_verified FROM payment_methods WHERE user_id = $1`,
      [u.id],
    );

  it('should verify a GCash account when the ₱20 checkout (the PayMongo minimum) is paid, credit the bonus once, and hide it until then', async () => {
    const u = await registerUser(t.url, 'WORKER');
    const added = await add(u, gcash);
    expect(added).toMatchObject({
      paymentMethod: {
        type: 'GCASH',
        accountNumber: '09171234567',
        isVerified: false,
        isPrimary: false,
      },
      verification: {
        required: true,
        amount: 2000,
        checkoutUrl: expect.stringContaining('/sandbox/checkout/'),
      },
    });
    expect(await list(u)).toEqual([]);
    const socket = await connectSocket(t.url, { token: u.accessToken });
    const verified = nextEvent(socket, 'payment-method.updated');
    await sandboxControls(t.url, { duplicates: 20 });
    await sandboxAct(t.url, added.verification.checkoutId as string, 'pay');
    expect(await verified).toEqual({ id: added.paymentMethod.id, isVerified: true });
    socket.close();
    expect(await list(u)).toEqual([
      expect.objectContaining({
        id: added.paymentMethod.id,
        isVerified: true,
        isPrimary: true,
        accountNumber: '09171234567',
      }),
    ]);
    expect((await walletOf(t.url, u)).balance).toBe(2000);
    const txns = await request(t.url)
      .get('/api/wallet/transactions?type=VERIFICATION_BONUS')
      .set(bearer(u))
      .expect(200);
    expect(txns.body.data).toEqual([
      expect.objectContaining({
        status: 'COMPLETED',
        amount: 2000,
        paymentMethodId: added.paymentMethod.id,
      }),
    ]);
    // Adding the same verified account again is refused.
    const dup = await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(u))
      .send(gcash)
      .expect(409);
    expect(dup.body.code).toBe('PAYMENT_METHOD_EXISTS');
  });

  it('should keep the method unverified after a failed attempt, verify it when paid, and remove it on expiry', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const a = await add(u, gcash);
    const b = await add(u, { ...gcash, accountNumber: '09181234567' });
    // A failed attempt is not an outcome: the checkout stays open and the customer pays.
    await sandboxAct(t.url, a.verification.checkoutId as string, 'fail');
    expect((await methodRows(u)).map((r) => r.is_verified).sort()).toEqual([false, false]);
    await sandboxAct(t.url, a.verification.checkoutId as string, 'pay');
    // PayMongo sends no expiry event: our poll (reconciliation) learns it.
    await sandboxAct(t.url, b.verification.checkoutId as string, 'expire');
    await t.db.query(
      `UPDATE transactions SET created_at = now() - interval '10 minutes' WHERE payment_method_id = $1`,
      [b.paymentMethod.id],
    );
    await request(t.url)
      .post('/api/admin/scheduled-jobs/payments-reconcile/run')
      .set(bearer(admin))
      .expect(200);
    expect(await methodRows(u)).toEqual([{ id: a.paymentMethod.id, is_verified: true }]);
    expect((await walletOf(t.url, u)).balance).toBe(2000);
    const txns = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
    expect((txns.body.data as Array<{ status: string }>).map((x) => x.status).sort()).toEqual([
      'COMPLETED',
      'EXPIRED',
    ]);
  });

  it('should purge unverified methods older than 24 h and expire their checkouts', async () => {
    const u = await registerUser(t.url, 'AGENCY');
    const old = await add(u, gcash);
    const fresh = await add(u, { ...gcash, accountNumber: '09191234567' });
    await t.db.query(
      `UPDATE payment_methods SET created_at = now() - interval '25 hours' WHERE id = $1`,
      [old.paymentMethod.id],
    );
    const run = await request(t.url)
      .post('/api/admin/scheduled-jobs/verification-purge-unverified/run')
      .set(bearer(admin))
      .expect(200);
    expect(run.body).toMatchObject({ outcome: 'succeeded', counts: { purged: 1 } });
    expect((await methodRows(u)).map((r) => r.id)).toEqual([fresh.paymentMethod.id]);
    const gw = await request(t.url)
      .get(`/sandbox/_control/checkouts/${old.verification.checkoutId}`)
      .expect(200);
    expect(gw.body.state).toBe('expired');
    // A late "paid" for the purged verification moves nothing and is flagged.
    await sandboxAct(t.url, old.verification.checkoutId as string, 'pay', { force: true });
    expect((await walletOf(t.url, u)).balance).toBe(0);
  });

  it('should store BANK accounts verified at once, normalised, with the first one primary', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const bank = await add(u, {
      type: 'BANK',
      accountName: 'Ana',
      accountNumber: '1234-5678-90',
      bankCode: 'BDO',
    });
    expect(bank).toEqual({
      paymentMethod: expect.objectContaining({
        accountNumber: '1234567890',
        isVerified: true,
        isPrimary: true,
        bankCode: 'BDO',
      }),
      verification: { required: false },
    });
    const maya = await add(u, { type: 'MAYA', accountName: 'Ana', accountNumber: '9171234567' });
    expect(maya.paymentMethod).toMatchObject({
      accountNumber: '09171234567',
      isPrimary: false,
      isVerified: false,
    });
    for (const bad of [
      { type: 'BANK', accountName: 'Ana', accountNumber: '1234567890' },
      { type: 'BANK', accountName: 'Ana', accountNumber: '1234567', bankCode: 'BDO' },
      { type: 'GCASH', accountName: 'Ana', accountNumber: '0817123456' },
      { type: 'GCASH', accountName: 'Ana', accountNumber: '09171234567', bankCode: 'BDO' },
      { type: 'PAYPAL', accountName: 'Ana', accountNumber: '09171234567' },
      { type: 'MAYA', accountName: 'Ana', accountNumber: '09171234567', extra: 1 },
    ])
      await request(t.url).post('/api/payment-methods').set(bearer(u)).send(bad).expect(400);
    await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(u))
      .send({ type: 'BANK', accountName: 'Ana', accountNumber: '1234567890', bankCode: 'BDO' })
      .expect(409);
  });

  it('should switch primary, promote the newest on delete, and hide other users’ methods', async () => {
    const u = await registerUser(t.url, 'WORKER');
    const other = await registerUser(t.url, 'WORKER');
    const a = await add(u, {
      type: 'BANK',
      accountName: 'Ana',
      accountNumber: '11110001',
      bankCode: 'BDO',
    });
    const b = await add(u, {
      type: 'BANK',
      accountName: 'Ana',
      accountNumber: '11110002',
      bankCode: 'BDO',
    });
    const c = await add(u, {
      type: 'BANK',
      accountName: 'Ana',
      accountNumber: '99990000',
      bankCode: 'BPI',
    });
    const p = await request(t.url)
      .post(`/api/payment-methods/${b.paymentMethod.id}/primary`)
      .set(bearer(u))
      .expect(200);
    expect(p.body).toMatchObject({ id: b.paymentMethod.id, isPrimary: true });
    expect((await list(u)).map((m) => [m.id, m.isPrimary])).toEqual([
      [b.paymentMethod.id, true],
      [c.paymentMethod.id, false],
      [a.paymentMethod.id, false],
    ]);
    await request(t.url)
      .delete(`/api/payment-methods/${b.paymentMethod.id}`)
      .set(bearer(other))
      .expect(404);
    await request(t.url)
      .post(`/api/payment-methods/${b.paymentMethod.id}/primary`)
      .set(bearer(other))
      .expect(404);
    await request(t.url)
      .delete(`/api/payment-methods/${b.paymentMethod.id}`)
      .set(bearer(u))
      .expect(204);
    expect((await list(u)).find((m) => m.isPrimary)?.id).toBe(c.paymentMethod.id);
    const unverified = await add(u, gcash);
    const refused = await request(t.url)
      .post(`/api/payment-methods/${unverified.paymentMethod.id}/primary`)
      .set(bearer(u))
      .expect(409);
    expect(refused.body.code).toBe('PAYMENT_METHOD_NOT_VERIFIED');
    // A method with a pending withdrawal cannot be deleted.
    await t.db.query(
      `INSERT INTO transactions (user_id, type, status, amount, payment_method_id) VALUES ($1, 'WITHDRAWAL', 'PENDING', 10000, $2)`,
      [u.id, a.paymentMethod.id],
    );
    const inUse = await request(t.url)
      .delete(`/api/payment-methods/${a.paymentMethod.id}`)
      .set(bearer(u))
      .expect(409);
    expect(inUse.body.code).toBe('PAYMENT_METHOD_IN_USE');
  });

  it('should limit GCash verification attempts per user per day', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    for (let i = 0; i < 5; i++) await add(u, { ...gcash, accountNumber: `0917000010${i}` });
    const r = await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(u))
      .send(gcash)
      .expect(429);
    expect(r.body.code).toBe('VERIFICATION_LIMIT_REACHED');
  });

  it('should surface a gateway that asks more than its documented minimum as 422 and leave nothing behind', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    await sandboxControls(t.url, { paymongoMinAmount: 3000 });
    const r = await request(t.url)
      .post('/api/payment-methods')
      .set(bearer(u))
      .send(gcash)
      .expect(422);
    expect(r.body.code).toBe('PROVIDER_REJECTED');
    expect(await methodRows(u)).toEqual([]);
  });
});
