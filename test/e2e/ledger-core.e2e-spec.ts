import { randomBytes } from 'node:crypto';
import { LedgerAuditService } from 'src/modules/ledger/ledger-audit.service';
import { LedgerChainService } from 'src/modules/ledger/ledger-chain.service';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { createTestApp, TestApp } from '../support/test-app';

describe('LedgerService (e2e, real PostgreSQL)', () => {
  let t: TestApp;
  let ledger: LedgerService;
  const uid = () => randomBytes(4).toString('hex');
  const w = (name: string) => `wallet:${name}:available`;

  /** Funds a wallet from the gateway clearing account (which may go negative). */
  const fund = (account: string, amount: number) =>
    ledger.post({
      entryId: `fund-${uid()}`,
      type: 'DEPOSIT',
      legs: [
        { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount },
        { account, direction: 'CREDIT', amount },
      ],
    });
  const count = async (table: string) =>
    Number((await t.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    ledger = t.app.get(LedgerService);
  });
  afterAll(() => t.close());

  describe('posting', () => {
    it('should move money, read balances as credits − debits, and let gateway accounts go negative', async () => {
      const a = w(uid());
      const r = await fund(a, 5000);
      expect(r.status).toBe('APPLIED');
      expect(r.sequence).toEqual(expect.any(Number));
      expect(await ledger.balance(a)).toEqual({ posted: 5000, pending: 0, available: 5000 });
      expect((await ledger.balance('gateway:paymongo:clearing')).posted).toBeLessThanOrEqual(-5000);
      expect(await ledger.balance(w('never-used'))).toEqual({
        posted: 0,
        pending: 0,
        available: 0,
      });
    });

    it('should refuse to take a wallet below zero (REJECTED, sticky), but never a platform account', async () => {
      const a = w(uid());
      await fund(a, 100);
      const id = `spend-${uid()}`;
      const spend = {
        entryId: id,
        type: 'PAYMENT',
        legs: [
          { account: a, direction: 'DEBIT' as const, amount: 101 },
          { account: 'platform:fees', direction: 'CREDIT' as const, amount: 101 },
        ],
      };
      expect(await ledger.post(spend)).toMatchObject({
        status: 'REJECTED',
        reason: 'INSUFFICIENT_FUNDS',
      });
      await fund(a, 1000);
      expect(await ledger.post(spend)).toMatchObject({
        status: 'REJECTED',
        reason: 'INSUFFICIENT_FUNDS',
      });
      // allowOverdraft never lets a wallet go negative.
      expect(
        await ledger.post({
          ...spend,
          entryId: `od-${uid()}`,
          legs: [
            { account: a, direction: 'DEBIT', amount: 5000 },
            { account: 'platform:fees', direction: 'CREDIT', amount: 5000 },
          ],
          allowOverdraft: true,
        }),
      ).toMatchObject({ status: 'REJECTED' });
      const platform = await ledger.post({
        entryId: `adj-${uid()}`,
        type: 'ADJUSTMENT',
        legs: [
          { account: 'platform:adjustments', direction: 'DEBIT', amount: 7 },
          { account: a, direction: 'CREDIT', amount: 7 },
        ],
      });
      expect(platform.status).toBe('APPLIED');
      expect((await ledger.balance(a)).posted).toBe(1107);
    });

    it('should return DUPLICATE with the original reference for a repeated entry id', async () => {
      const a = w(uid());
      const id = `dep-${uid()}`;
      const input = {
        entryId: id,
        type: 'DEPOSIT',
        reference: 'tx-1',
        legs: [
          { account: 'gateway:xendit:clearing', direction: 'DEBIT' as const, amount: 250 },
          { account: a, direction: 'CREDIT' as const, amount: 250 },
        ],
      };
      const first = await ledger.post(input);
      const again = await ledger.post({ ...input, reference: 'tx-other' });
      expect(again).toEqual({
        status: 'DUPLICATE',
        entryId: id,
        reference: 'tx-1',
        sequence: first.sequence,
      });
      expect((await ledger.balance(a)).posted).toBe(250);
    });

    it('should reject bad input with 400 LEDGER_INVALID_ENTRY and write nothing', async () => {
      const before = [
        await count('ledger_entries'),
        await count('ledger_accounts'),
        await count('ledger_rejections'),
      ];
      const leg = (amount: unknown, account = w('bad')) => ({
        account,
        direction: 'DEBIT',
        amount,
      });
      const cases: unknown[] = [
        [leg(-1), { account: 'platform:fees', direction: 'CREDIT', amount: -1 }],
        [leg(0), { account: 'platform:fees', direction: 'CREDIT', amount: 0 }],
        [leg(1.5), { account: 'platform:fees', direction: 'CREDIT', amount: 1.5 }],
        [leg('100'), { account: 'platform:fees', direction: 'CREDIT', amount: '100' }],
        [
          leg(100_000_000_001),
          { account: 'platform:fees', direction: 'CREDIT', amount: 100_000_000_001 },
        ],
        [leg(NaN), { account: 'platform:fees', direction: 'CREDIT', amount: NaN }],
        [leg(10), { account: 'platform:fees', direction: 'CREDIT', amount: 9 }],
        [leg(10), { account: 'platform:fees', direction: 'CREDIT', amount: 10, currency: 'USD' }],
        [leg(10, ''), { account: 'platform:fees', direction: 'CREDIT', amount: 10 }],
        [leg(10, 'has space'), { account: 'platform:fees', direction: 'CREDIT', amount: 10 }],
        [leg(10)],
        [leg(10), { account: 'platform:fees', direction: 'SIDEWAYS', amount: 10 }],
      ];
      for (const legs of cases) {
        await expect(
          ledger.post({ entryId: `bad-${uid()}`, type: 'PAYMENT', legs } as never),
        ).rejects.toMatchObject({ status: 400, code: 'LEDGER_INVALID_ENTRY' });
      }
      await expect(ledger.post({ entryId: '', type: 'PAYMENT', legs: [] })).rejects.toMatchObject({
        status: 400,
      });
      await expect(
        ledger.post({ entryId: 'x', type: 'lower case', legs: [] }),
      ).rejects.toMatchObject({ status: 400 });
      expect([
        await count('ledger_entries'),
        await count('ledger_accounts'),
        await count('ledger_rejections'),
      ]).toEqual(before);
    });

    it('should post a batch in one call, each entry with its own outcome, in order', async () => {
      const a = w(uid());
      const b = w(uid());
      const dupId = `dup-${uid()}`;
      await ledger.post({
        entryId: dupId,
        type: 'DEPOSIT',
        legs: [
          { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 10 },
          { account: a, direction: 'CREDIT', amount: 10 },
        ],
      });
      const move = (entryId: string, from: string, to: string, amount: number) => ({
        entryId,
        type: 'PAYMENT',
        legs: [
          { account: from, direction: 'DEBIT' as const, amount },
          { account: to, direction: 'CREDIT' as const, amount },
        ],
      });
      const r = await ledger.postBatch([
        move(`b1-${uid()}`, 'gateway:paymongo:clearing', a, 100),
        move(dupId, 'gateway:paymongo:clearing', a, 10),
        move(`b3-${uid()}`, a, b, 1000),
        move(`b4-${uid()}`, a, b, 60),
      ]);
      expect(r.map((x) => x.status)).toEqual(['APPLIED', 'DUPLICATE', 'REJECTED', 'APPLIED']);
      expect((await ledger.balance(a)).posted).toBe(50);
      expect((await ledger.balance(b)).posted).toBe(60);
      await expect(ledger.postBatch([])).rejects.toMatchObject({ status: 400 });
      await expect(
        ledger.postBatch([move('same', a, b, 1), move('same', a, b, 1)]),
      ).rejects.toMatchObject({ status: 400 });
    });

    it('should run concurrent batches over the same accounts in opposite orders without deadlock', async () => {
      const accts = Array.from({ length: 6 }, () => w(uid()));
      for (const a of accts) await fund(a, 10_000);
      const batch = (k: number) =>
        ledger.postBatch(
          Array.from({ length: 30 }, (_, i) => {
            const from = accts[(k % 2 ? i : 30 - i) % 6];
            const to = accts[(k % 2 ? i + 1 : 31 - i) % 6];
            return {
              entryId: `cb-${k}-${i}-${uid()}`,
              type: 'PAYMENT',
              legs: [
                { account: from, direction: 'DEBIT' as const, amount: 1 },
                { account: to, direction: 'CREDIT' as const, amount: 1 },
              ],
            };
          }),
        );
      const results = await Promise.all(Array.from({ length: 12 }, (_, k) => batch(k)));
      expect(results.flat().every((r) => r.status === 'APPLIED')).toBe(true);
      let total = 0;
      for (const a of accts) total += (await ledger.balance(a)).posted;
      expect(total).toBe(60_000);
    });

    it('should join the caller’s transaction: a rollback undoes the posting entirely', async () => {
      const a = w(uid());
      const id = `joined-${uid()}`;
      await expect(
        t.db.transaction(async (m) => {
          const r = await fund(a, 1); // outside: committed
          expect(r.status).toBe('APPLIED');
          await ledger.post(
            {
              entryId: id,
              type: 'DEPOSIT',
              legs: [
                { account: 'gateway:paymongo:clearing', direction: 'DEBIT', amount: 99 },
                { account: a, direction: 'CREDIT', amount: 99 },
              ],
            },
            m,
          );
          expect((await ledger.balance(a, 'PHP', m)).posted).toBe(100);
          throw new Error('caller failed after posting');
        }),
      ).rejects.toThrow('caller failed');
      expect((await ledger.balance(a)).posted).toBe(1);
      expect(
        (await t.db.query(`SELECT 1 FROM ledger_entries WHERE entry_id = $1`, [id])).length,
      ).toBe(0);
    });
  });

  describe('holds (two-phase)', () => {
    const hold = (account: string, holdId: string, amount: number, timeoutSeconds?: number) =>
      ledger.hold({
        holdId,
        type: 'WITHDRAWAL',
        account,
        counterparty: 'payouts:in_transit',
        amount,
        timeoutSeconds,
      });

    it('should reserve funds out of available but not out of the balance', async () => {
      const a = w(uid());
      await fund(a, 1000);
      const h = await hold(a, `h-${uid()}`, 300, 3600);
      expect(h).toMatchObject({ status: 'APPLIED', holdStatus: 'PENDING' });
      expect(h.expiresAt).toBeInstanceOf(Date);
      expect(await ledger.balance(a)).toEqual({ posted: 1000, pending: 300, available: 700 });
      // Reserved money cannot be spent.
      const spend = await ledger.post({
        entryId: `s-${uid()}`,
        type: 'PAYMENT',
        legs: [
          { account: a, direction: 'DEBIT', amount: 701 },
          { account: 'platform:fees', direction: 'CREDIT', amount: 701 },
        ],
      });
      expect(spend.status).toBe('REJECTED');
    });

    it('should post partially, return the remainder, and answer a second post or void with the original outcome', async () => {
      const a = w(uid());
      const transit = `payouts:${uid()}`;
      await fund(a, 1000);
      const id = `h-${uid()}`;
      await ledger.hold({
        holdId: id,
        type: 'WITHDRAWAL',
        account: a,
        counterparty: transit,
        amount: 400,
      });
      const posted = await ledger.postHold({ holdId: id, amount: 150 });
      expect(posted).toEqual({
        status: 'POSTED',
        holdId: id,
        repeat: false,
        postedAmount: 150,
        entryId: `${id}:post`,
      });
      expect(await ledger.balance(a)).toEqual({ posted: 850, pending: 0, available: 850 });
      expect((await ledger.balance(transit)).posted).toBe(150);
      expect(await ledger.postHold({ holdId: id, amount: 400 })).toMatchObject({
        status: 'POSTED',
        repeat: true,
        postedAmount: 150,
      });
      expect(await ledger.voidHold(id)).toMatchObject({ status: 'POSTED', repeat: true });
      expect((await ledger.balance(a)).posted).toBe(850);
    });

    it('should void (everything returns) once', async () => {
      const a = w(uid());
      await fund(a, 500);
      const id = `h-${uid()}`;
      await hold(a, id, 500);
      expect(await ledger.voidHold(id)).toMatchObject({ status: 'VOIDED', repeat: false });
      expect(await ledger.balance(a)).toEqual({ posted: 500, pending: 0, available: 500 });
      expect(await ledger.postHold({ holdId: id })).toMatchObject({
        status: 'VOIDED',
        repeat: true,
      });
      expect(await ledger.voidHold(id)).toMatchObject({ status: 'VOIDED', repeat: true });
    });

    it('should expire by the database clock and then refuse to post', async () => {
      const a = w(uid());
      await fund(a, 500);
      const id = `h-${uid()}`;
      expect((await hold(a, id, 200, 0)).status).toBe('APPLIED');
      // Expired at once: it no longer reserves anything.
      expect(await ledger.balance(a)).toEqual({ posted: 500, pending: 0, available: 500 });
      expect(await ledger.postHold({ holdId: id })).toMatchObject({
        status: 'EXPIRED',
        repeat: false,
      });
      expect(await ledger.postHold({ holdId: id })).toMatchObject({
        status: 'EXPIRED',
        repeat: true,
      });
      expect((await ledger.balance(a)).posted).toBe(500);
      // The sweep expires the rest.
      const other = `h-${uid()}`;
      await hold(a, other, 100, 0);
      expect(await ledger.expireHolds()).toBeGreaterThanOrEqual(1);
      const row = await t.db.query(`SELECT status FROM ledger_holds WHERE hold_id = $1`, [other]);
      expect(row[0].status).toBe('EXPIRED');
    });

    it('should release a hold when its timeout passes on the database clock', async () => {
      const a = w(uid());
      await fund(a, 500);
      const id = `h-${uid()}`;
      await hold(a, id, 200, 1);
      expect((await ledger.balance(a)).available).toBe(300);
      await t.db.query('SELECT pg_sleep(1.2)');
      expect(await ledger.balance(a)).toEqual({ posted: 500, pending: 0, available: 500 });
      expect(await ledger.postHold({ holdId: id })).toMatchObject({ status: 'EXPIRED' });
    });

    it('should refuse to post more than was held and keep the hold pending', async () => {
      const a = w(uid());
      await fund(a, 500);
      const id = `h-${uid()}`;
      await hold(a, id, 100);
      expect(await ledger.postHold({ holdId: id, amount: 101 })).toMatchObject({
        status: 'EXCEEDS_PENDING_AMOUNT',
      });
      expect((await ledger.balance(a)).pending).toBe(100);
      expect(await ledger.postHold({ holdId: id, amount: 100 })).toMatchObject({
        status: 'POSTED',
      });
      expect(await ledger.postHold({ holdId: `missing-${uid()}` })).toMatchObject({
        status: 'NOT_FOUND',
      });
    });

    it('should keep a refused hold refused, and answer a repeated hold id with DUPLICATE', async () => {
      const a = w(uid());
      const id = `h-${uid()}`;
      expect(await hold(a, id, 50)).toMatchObject({
        status: 'REJECTED',
        reason: 'INSUFFICIENT_FUNDS',
      });
      await fund(a, 1000);
      expect(await hold(a, id, 50)).toMatchObject({ status: 'REJECTED', holdStatus: 'REJECTED' });
      expect(await ledger.postHold({ holdId: id })).toMatchObject({
        status: 'REJECTED',
        repeat: true,
      });
      const ok = `h-${uid()}`;
      await hold(a, ok, 50);
      expect(await hold(a, ok, 50)).toMatchObject({ status: 'DUPLICATE', holdStatus: 'PENDING' });
      expect((await ledger.balance(a)).pending).toBe(50);
    });

    it('should let exactly 37 of 100 concurrent withdrawal holds through against a balance covering 37', async () => {
      const a = w(uid());
      await fund(a, 37 * 1000);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => hold(a, `wd-${uid()}-${i}`, 1000, 600)),
      );
      expect(results.filter((r) => r.status === 'APPLIED')).toHaveLength(37);
      expect(results.filter((r) => r.status === 'REJECTED')).toHaveLength(63);
      expect(await ledger.balance(a)).toEqual({ posted: 37_000, pending: 37_000, available: 0 });
      // Posting them all concurrently empties the wallet exactly.
      const held = results.filter((r) => r.status === 'APPLIED');
      await Promise.all(held.map((h) => ledger.postHold({ holdId: h.holdId })));
      expect(await ledger.balance(a)).toEqual({ posted: 0, pending: 0, available: 0 });
    });
  });

  describe('database enforcement', () => {
    it('should refuse UPDATE, DELETE and TRUNCATE on entries and postings', async () => {
      await fund(w(uid()), 10);
      for (const sql of [
        `UPDATE ledger_entries SET type = 'X'`,
        `DELETE FROM ledger_entries`,
        `UPDATE ledger_postings SET amount = amount + 1`,
        `DELETE FROM ledger_postings`,
        `TRUNCATE ledger_postings, ledger_entries CASCADE`,
        `DELETE FROM ledger_rejections`,
        `UPDATE ledger_accounts SET no_negative = false`,
        `DELETE FROM ledger_balances`,
      ])
        await expect(t.db.query(sql)).rejects.toThrow(/append-only/);
    });

    it('should refuse a second resolution of a hold at the database', async () => {
      const a = w(uid());
      await fund(a, 10);
      const id = `h-${uid()}`;
      await ledger.hold({
        holdId: id,
        type: 'WITHDRAWAL',
        account: a,
        counterparty: 'payouts:in_transit',
        amount: 5,
      });
      await ledger.voidHold(id);
      await expect(
        t.db.query(`UPDATE ledger_holds SET status = 'POSTED' WHERE hold_id = $1`, [id]),
      ).rejects.toThrow(/already resolved/);
    });

    it('should refuse a negative wallet even to raw SQL (CHECK constraint)', async () => {
      const a = w(uid());
      await fund(a, 10);
      await expect(
        t.db.query(
          `UPDATE ledger_balances SET posted = posted - 11, debits_posted = debits_posted + 11
           WHERE account_id = (SELECT id FROM ledger_accounts WHERE code = $1)`,
          [a],
        ),
      ).rejects.toThrow(/ledger_balances_no_negative_ck/);
    });

    it('should pass every audit check and match a full rebuild from postings', async () => {
      const audit = await t.app.get(LedgerAuditService).run();
      expect(audit.checks.filter((c) => !c.pass)).toEqual([]);
      expect(audit.ok).toBe(true);
      expect(await t.app.get(LedgerAuditService).rebuildMismatches()).toBe(0);
    });

    it('should name the first broken link when a posting is tampered with', async () => {
      const chain = t.app.get(LedgerChainService);
      const a = w(uid());
      await fund(a, 10);
      const target = await fund(a, 20);
      await fund(a, 30);
      await chain.sealAll(30_000);
      const before = await chain.verify();
      expect(before).toMatchObject({ intact: true, unsealed: 0 });
      const seq = target.sequence as number;
      const tamper = async (delta: number) => {
        await t.db.query(`ALTER TABLE ledger_postings DISABLE TRIGGER ledger_postings_append_only`);
        await t.db.query(`UPDATE ledger_postings SET amount = amount + $2 WHERE entry_seq = $1`, [
          seq,
          delta,
        ]);
        await t.db.query(`ALTER TABLE ledger_postings ENABLE TRIGGER ledger_postings_append_only`);
      };
      await tamper(1);
      try {
        const v = await chain.verify();
        expect(v.intact).toBe(false);
        expect(v.firstBroken).toEqual({
          sequence: seq,
          problem: 'content does not match entry_hash',
        });
      } finally {
        await tamper(-1);
      }
      expect((await chain.verify()).intact).toBe(true);
    });
  });
});
