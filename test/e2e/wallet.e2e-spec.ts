import request from 'supertest';
import { walletAccount, walletPendingAccount } from 'src/modules/ledger/account-policy';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { WalletService } from 'src/modules/wallet/wallet.service';
import { bearer, registerUser, TestUser } from '../support/auth-helpers';
import { createTestApp, TestApp } from '../support/test-app';

describe('Wallet (e2e)', () => {
  let t: TestApp;
  let ledger: LedgerService;
  let txs: TransactionsRepository;
  let n = 0;

  const deposit = (userId: string, amount: number) =>
    ledger.post({
      entryId: `dep-${userId}-${++n}`,
      type: 'DEPOSIT',
      legs: [
        { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount },
        { account: walletAccount(userId), direction: 'CREDIT', amount },
      ],
    });

  beforeAll(async () => {
    t = await createTestApp();
    ledger = t.app.get(LedgerService);
    txs = t.app.get(TransactionsRepository);
  });
  afterAll(() => t.close());

  describe('GET /api/wallet', () => {
    it('should show zeros for a brand-new user and require authentication', async () => {
      const u = await registerUser(t.url, 'WORKER');
      const res = await request(t.url).get('/api/wallet').set(bearer(u)).expect(200);
      expect(res.body).toEqual({
        currency: 'PHP',
        balance: 0,
        reserved: 0,
        available: 0,
        pendingEarnings: 0,
        updatedAt: expect.any(String),
      });
      await request(t.url).get('/api/wallet').expect(401);
    });

    it('should read balance, reserved (active holds) and pending earnings from the ledger, fresh after every write', async () => {
      const u = await registerUser(t.url, 'WORKER');
      await deposit(u.id, 50_000);
      expect((await request(t.url).get('/api/wallet').set(bearer(u))).body.balance).toBe(50_000);
      await ledger.hold({
        holdId: `wd-${u.id}`,
        type: 'WITHDRAWAL',
        account: walletAccount(u.id),
        counterparty: 'payouts:in_transit',
        amount: 20_000,
        timeoutSeconds: 3600,
      });
      await ledger.post({
        entryId: `earn-${u.id}`,
        type: 'RELEASE',
        legs: [
          { account: 'platform:escrow-test', direction: 'DEBIT', amount: 7_000 },
          { account: walletPendingAccount(u.id), direction: 'CREDIT', amount: 7_000 },
        ],
      });
      const res = await request(t.url).get('/api/wallet').set(bearer(u)).expect(200);
      expect(res.body).toMatchObject({
        currency: 'PHP',
        balance: 50_000,
        reserved: 20_000,
        available: 30_000,
        pendingEarnings: 7_000,
      });
      await ledger.postHold({ holdId: `wd-${u.id}`, amount: 20_000 });
      const after = await request(t.url).get('/api/wallet').set(bearer(u)).expect(200);
      expect(after.body).toMatchObject({ balance: 30_000, reserved: 0, available: 30_000 });
      expect(Date.parse(after.body.updatedAt)).not.toBeNaN();
    });

    it('should show each user only their own wallet', async () => {
      const a = await registerUser(t.url);
      const b = await registerUser(t.url);
      await deposit(a.id, 1234);
      expect((await request(t.url).get('/api/wallet').set(bearer(a))).body.balance).toBe(1234);
      expect((await request(t.url).get('/api/wallet').set(bearer(b))).body.balance).toBe(0);
    });
  });

  describe('transactions', () => {
    let u: TestUser;
    let ids: string[];

    beforeAll(async () => {
      u = await registerUser(t.url, 'CLIENT');
      ids = [];
      const types = ['DEPOSIT', 'WITHDRAWAL', 'DEPOSIT', 'FEE', 'DEPOSIT'] as const;
      for (const [i, type] of types.entries()) {
        const tx = await txs.createPending({
          userId: u.id,
          type,
          amount: 1000 * (i + 1),
          provider: 'paymongo',
          description: `tx ${i}`,
        });
        ids.push(tx.id);
      }
      await txs.complete(ids[0], { ledgerEntryId: 'entry-0' });
      await txs.setStatus(ids[1], 'FAILED');
    });

    it('should list newest first with cursor pagination that visits every row once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await request(t.url)
          .get('/api/wallet/transactions')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(bearer(u))
          .expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.data as { id: string }[]).map((d) => d.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
    });

    it('should default to 20 and return the contract Transaction shape', async () => {
      const res = await request(t.url).get('/api/wallet/transactions').set(bearer(u)).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data).toHaveLength(5);
      const completed = (res.body.data as { id: string }[]).find((d) => d.id === ids[0]);
      expect(completed).toEqual({
        id: ids[0],
        type: 'DEPOSIT',
        status: 'COMPLETED',
        amount: 1000,
        currency: 'PHP',
        description: 'tx 0',
        reference: null,
        provider: 'paymongo',
        providerReference: null,
        paymentMethodId: null,
        jobId: null,
        createdAt: expect.any(String),
        completedAt: expect.any(String),
      });
    });

    it('should filter by type and status', async () => {
      const deposits = await request(t.url)
        .get('/api/wallet/transactions?type=DEPOSIT')
        .set(bearer(u))
        .expect(200);
      expect((deposits.body.data as { id: string }[]).map((d) => d.id)).toEqual([
        ids[4],
        ids[2],
        ids[0],
      ]);
      const failed = await request(t.url)
        .get('/api/wallet/transactions?status=FAILED')
        .set(bearer(u))
        .expect(200);
      expect((failed.body.data as { id: string }[]).map((d) => d.id)).toEqual([ids[1]]);
      const pendingDeposits = await request(t.url)
        .get('/api/wallet/transactions?type=DEPOSIT&status=PENDING')
        .set(bearer(u))
        .expect(200);
      expect(pendingDeposits.body.data).toHaveLength(2);
    });

    it('should reject bad query parameters with 400', async () => {
      for (const q of [
        'limit=0',
        'limit=101',
        'limit=1.5',
        'limit=abc',
        'type=BOGUS',
        'status=done',
        'cursor=bm90LWEtY3Vyc29y',
        'extra=1',
      ]) {
        const res = await request(t.url).get(`/api/wallet/transactions?${q}`).set(bearer(u));
        expect([q, res.status]).toEqual([q, 400]);
      }
    });

    it('should show one transaction to its owner and 404 to anyone else', async () => {
      const mine = await request(t.url)
        .get(`/api/wallet/transactions/${ids[2]}`)
        .set(bearer(u))
        .expect(200);
      expect(mine.body).toMatchObject({
        id: ids[2],
        type: 'DEPOSIT',
        status: 'PENDING',
        amount: 3000,
      });
      const other = await registerUser(t.url);
      const res = await request(t.url)
        .get(`/api/wallet/transactions/${ids[2]}`)
        .set(bearer(other))
        .expect(404);
      expect(res.body.code).toBe('TRANSACTION_NOT_FOUND');
      await request(t.url).get('/api/wallet/transactions/not-a-uuid').set(bearer(u)).expect(404);
      const list = await request(t.url)
        .get('/api/wallet/transactions')
        .set(bearer(other))
        .expect(200);
      expect(list.body.data).toEqual([]);
    });

    it('should move status only from PENDING, never after COMPLETED, and complete idempotently', async () => {
      expect((await txs.complete(ids[0], { ledgerEntryId: 'entry-0' })).status).toBe('COMPLETED');
      await expect(txs.complete(ids[0], { ledgerEntryId: 'other' })).rejects.toMatchObject({
        status: 409,
      });
      await expect(txs.setStatus(ids[0], 'FAILED')).rejects.toMatchObject({
        status: 409,
        code: 'TRANSACTION_NOT_PENDING',
      });
      expect((await txs.setStatus(ids[1], 'FAILED')).status).toBe('FAILED');
      await expect(
        t.db.query(`UPDATE transactions SET status = 'PENDING' WHERE id = $1`, [ids[0]]),
      ).rejects.toThrow(/cannot become/);
      await expect(t.db.query(`DELETE FROM transactions WHERE id = $1`, [ids[0]])).rejects.toThrow(
        /cannot be deleted/,
      );
    });

    it('should lock a transaction row inside the caller’s transaction', async () => {
      await t.db.transaction(async (m) => {
        const locked = await txs.lockById(ids[3], m);
        expect(locked?.id).toBe(ids[3]);
        const done = await txs.complete(ids[3], { ledgerEntryId: 'fee-entry' }, m);
        expect(done.status).toBe('COMPLETED');
      });
      expect((await txs.findById(ids[3]))?.ledgerEntryId).toBe('fee-entry');
    });
  });

  describe('GET /api/wallet/pending-earnings', () => {
    it('should list earnings in the buffer with release dates and the ledger total', async () => {
      const u = await registerUser(t.url, 'WORKER');
      const releaseAt = new Date(Date.now() + 7 * 86400_000);
      const tx = await txs.createPending({
        userId: u.id,
        type: 'PENDING_EARNING',
        amount: 9000,
        jobId: '00000000-0000-4000-8000-000000000001',
        releaseAt,
      });
      await ledger.post({
        entryId: `pe-${tx.id}`,
        type: 'RELEASE',
        legs: [
          { account: 'platform:escrow-test', direction: 'DEBIT', amount: 9000 },
          { account: walletPendingAccount(u.id), direction: 'CREDIT', amount: 9000 },
        ],
      });
      const res = await request(t.url)
        .get('/api/wallet/pending-earnings')
        .set(bearer(u))
        .expect(200);
      expect(res.body).toEqual({
        currency: 'PHP',
        total: 9000,
        items: [
          {
            transactionId: tx.id,
            jobId: '00000000-0000-4000-8000-000000000001',
            amount: 9000,
            description: null,
            releaseAt: releaseAt.toISOString(),
            createdAt: expect.any(String),
          },
        ],
      });
    });
  });

  describe('WalletService.completeWithEntry', () => {
    it('should credit once and complete, however many concurrent confirmations arrive', async () => {
      const u = await registerUser(t.url);
      const tx = await txs.createPending({
        userId: u.id,
        type: 'DEPOSIT',
        amount: 25_000,
        provider: 'paymongo',
      });
      const wallet = t.app.get(WalletService);
      const confirm = () =>
        wallet.completeWithEntry(tx.id, {
          entryId: `deposit:${tx.id}`,
          type: 'DEPOSIT',
          legs: [
            { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 25_000 },
            { account: walletAccount(u.id), direction: 'CREDIT', amount: 25_000 },
          ],
        });
      const results = await Promise.all(Array.from({ length: 20 }, confirm));
      expect(results.filter((r) => !r.alreadyCompleted)).toHaveLength(1);
      expect(results.every((r) => r.transaction.status === 'COMPLETED')).toBe(true);
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(25_000);
      const view = await request(t.url)
        .get(`/api/wallet/transactions/${tx.id}`)
        .set(bearer(u))
        .expect(200);
      expect(view.body).toMatchObject({ status: 'COMPLETED', completedAt: expect.any(String) });
    });

    it('should refuse an overdrawing payment with 409 and leave the transaction pending', async () => {
      const u = await registerUser(t.url);
      await deposit(u.id, 100);
      const tx = await txs.createPending({ userId: u.id, type: 'PAYMENT', amount: 500 });
      await expect(
        t.app.get(WalletService).completeWithEntry(tx.id, {
          entryId: `payment:${tx.id}`,
          type: 'PAYMENT',
          legs: [
            { account: walletAccount(u.id), direction: 'DEBIT', amount: 500 },
            { account: 'escrow:job-x', direction: 'CREDIT', amount: 500 },
          ],
        }),
      ).rejects.toMatchObject({ status: 409, code: 'INSUFFICIENT_FUNDS' });
      expect((await txs.findById(tx.id))?.status).toBe('PENDING');
      expect((await ledger.balance(walletAccount(u.id))).posted).toBe(100);
    });
  });
});
