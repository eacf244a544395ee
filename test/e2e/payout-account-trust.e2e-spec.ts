import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { createAdmin } from '../support/admin-helpers';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { walletOf } from '../support/payment-helpers';
import { settledWithdrawal } from '../support/payout-helpers';
import { sandboxAct, sandboxControls } from '../support/sandbox-helpers';
import { connectSocket, nextEvent } from '../support/socket-helpers';
import { createTestApp, TestApp } from '../support/test-app';

interface AddBody {
  paymentMethod: { id: string; type: string; accountNumber: string; isVerified: boolean };
  verification: { required: boolean; checkoutId?: string; amount?: number };
}
interface WithdrawBody {
  transaction: { id: string; status: string };
  payout: string;
}

/**
 * Issue 10, item 4: a new payout account is never trusted at once. Maya proves ownership with a
 * payment through Maya (like GCash); a payout account younger than PAYOUT_ACCOUNT_COOLDOWN_HOURS gets
 * no automatic payout, and a bank account's first payout waits for an admin. Every addition is
 * audit-logged and announced to the owner's sockets.
 */
describe('Payout account trust (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });
  beforeEach(async () => {
    await request(t.url).post('/sandbox/_control/reset').expect(200);
    await sandboxControls(t.url, { retryBaseMs: 20, maxAttempts: 3, payoutDelayMs: 20 });
  });

  const add = async (u: TestUser, body: Record<string, unknown>) =>
    (await request(t.url).post('/api/payment-methods').set(bearer(u)).send(body).expect(201))
      .body as AddBody;
  const withdraw = async (u: TestUser, amount: number, paymentMethodId: string) =>
    (
      await request(t.url)
        .post('/api/wallet/withdraw')
        .set(bearer(u))
        .send({ amount, paymentMethodId })
        .expect(201)
    ).body as WithdrawBody;
  const queue = async () =>
    (
      (await request(t.url).get('/api/admin/withdrawals').set(bearer(admin)).expect(200)).body as {
        data: Array<{ id: string; payoutState: string | null; providerReference: string | null }>;
      }
    ).data;
  const age = (id: string, hours: number) =>
    t.db.query(
      `UPDATE payment_methods SET created_at = now() - make_interval(hours => $2) WHERE id = $1`,
      [id, hours],
    );
  const statusOf = (u: TestUser, id: string) => settledWithdrawal(t, u, id);
  const audited = (targetId: string) =>
    t.db.query<Array<{ actor_id: string; action: string; after: Record<string, unknown> }>>(
      `SELECT actor_id, action, after FROM audit_log WHERE target_type = 'payment_method' AND target_id = $1`,
      [targetId],
    );

  it('should verify MAYA through a Maya payment, not trust it at once', async () => {
    const u = await registerUser(t.url, 'WORKER');
    const added = await add(u, {
      type: 'MAYA',
      accountName: 'Ana Cruz',
      accountNumber: '09175550001',
    });
    expect(added).toMatchObject({
      paymentMethod: { type: 'MAYA', isVerified: false },
      verification: { required: true, checkoutId: expect.any(String) },
    });
    const raw = await request(t.url)
      .get(`/sandbox/_control/checkouts/${added.verification.checkoutId}`)
      .expect(200);
    expect(JSON.stringify(raw.body.request)).toContain('"paymaya"');
    expect(JSON.stringify(raw.body.request)).not.toContain('"gcash"');
    // Unverified: not listed, not usable for a withdrawal.
    expect((await request(t.url).get('/api/payment-methods').set(bearer(u))).body).toEqual({
      data: [],
      nextCursor: null,
    });
    await fundWallet(t, u, 50_000);
    const refused = await request(t.url)
      .post('/api/wallet/withdraw')
      .set(bearer(u))
      .send({ amount: 20_000, paymentMethodId: added.paymentMethod.id })
      .expect(404);
    expect(refused.body.code).toBe('PAYMENT_METHOD_NOT_FOUND');

    const socket = await connectSocket(t.url, { token: u.accessToken });
    sockets.push(socket);
    const verified = nextEvent(socket, 'payment-method.updated');
    await sandboxAct(t.url, added.verification.checkoutId as string, 'pay');
    expect(await verified).toEqual({ id: added.paymentMethod.id, isVerified: true });
    expect((await walletOf(t.url, u)).balance).toBe(50_000 + (added.verification.amount ?? NaN));
  });

  it('should hold every withdrawal to an account inside the cooldown in the admin queue, sending nothing', async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 50_000);
    const maya = await add(u, {
      type: 'MAYA',
      accountName: 'Ana Cruz',
      accountNumber: '09175550012',
    });
    await sandboxAct(t.url, maya.verification.checkoutId as string, 'pay');
    await age(maya.paymentMethod.id, 23);
    const held = await withdraw(u, 20_000, maya.paymentMethod.id);
    expect(held).toMatchObject({ payout: 'review', transaction: { status: 'PENDING' } });
    expect((await queue()).find((w) => w.id === held.transaction.id)).toMatchObject({
      payoutState: 'review',
      providerReference: null,
    });
    const bonus = maya.verification.amount ?? NaN;
    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 50_000 + bonus,
      available: 30_000 + bonus,
    });
    // Past the cooldown a verified Maya account is paid out automatically.
    await age(maya.paymentMethod.id, 25);
    const auto = await withdraw(u, 10_000, maya.paymentMethod.id);
    expect(auto.payout).toBe('pending');
    expect(await statusOf(u, auto.transaction.id)).toBe('COMPLETED');
    // The held one is still waiting: nothing was sent for it.
    expect((await queue()).find((w) => w.id === held.transaction.id)).toMatchObject({
      payoutState: 'review',
      providerReference: null,
    });
  });

  it("should send a bank account's first payout only after an admin approves it, then pay automatically", async () => {
    const u = await registerUser(t.url, 'WORKER');
    await fundWallet(t, u, 100_000);
    const bank = await add(u, {
      type: 'BANK',
      accountName: 'Ana Cruz',
      accountNumber: '1234567890',
      bankCode: 'BDO',
    });
    expect(bank.paymentMethod.isVerified).toBe(true);
    const fresh = await withdraw(u, 20_000, bank.paymentMethod.id);
    expect(fresh.payout).toBe('review');
    await age(bank.paymentMethod.id, 48);
    const first = await withdraw(u, 10_000, bank.paymentMethod.id);
    expect(first.payout).toBe('review');
    expect((await queue()).find((w) => w.id === first.transaction.id)).toMatchObject({
      payoutState: 'review',
      providerReference: null,
    });

    const approved = await request(t.url)
      .post(`/api/admin/withdrawals/${first.transaction.id}/approve`)
      .set(bearer(admin))
      .send({ reference: 'called the owner, account confirmed' })
      .expect(200);
    expect(approved.body.status).toBe('PENDING');
    expect(await statusOf(u, first.transaction.id)).toBe('COMPLETED');
    const row = (await queue()).find((w) => w.id === fresh.transaction.id);
    expect(row?.payoutState).toBe('review');

    const later = await withdraw(u, 10_000, bank.paymentMethod.id);
    expect(later.payout).toBe('pending');
    expect(await statusOf(u, later.transaction.id)).toBe('COMPLETED');
    // The first (fresh) one is rejected: its money comes back.
    await request(t.url)
      .post(`/api/admin/withdrawals/${fresh.transaction.id}/reject`)
      .set(bearer(admin))
      .send({ reason: 'owner did not ask for it' })
      .expect(200);
    expect(await walletOf(t.url, u)).toMatchObject({
      balance: 100_000 - 10_000 - 10_000,
      reserved: 0,
    });
  });

  it('should announce every added payout account on the realtime channel and audit-log it', async () => {
    const u = await registerUser(t.url, 'CLIENT');
    const socket = await connectSocket(t.url, { token: u.accessToken });
    sockets.push(socket);
    for (const body of [
      { type: 'BANK', accountName: 'Ana Cruz', accountNumber: '99887766', bankCode: 'BPI' },
      { type: 'GCASH', accountName: 'Ana Cruz', accountNumber: '09175550003' },
      { type: 'MAYA', accountName: 'Ana Cruz', accountNumber: '09175550004' },
    ]) {
      const event = nextEvent(socket, 'payment-method.added');
      const added = await add(u, body);
      const last4 = added.paymentMethod.accountNumber.slice(-4);
      expect(await event).toEqual({
        id: added.paymentMethod.id,
        type: body.type,
        accountNumber: expect.stringMatching(new RegExp(`^\\*+${last4}$`)),
        isVerified: body.type === 'BANK',
      });
      expect(await audited(added.paymentMethod.id)).toEqual([
        {
          actor_id: u.id,
          action: 'payment-method.add',
          after: expect.objectContaining({
            type: body.type,
            accountNumber: expect.stringMatching(new RegExp(`^\\*+${last4}$`)),
          }),
        },
      ]);
    }
  });
});
