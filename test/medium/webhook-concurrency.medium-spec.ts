import { unitOfWorkRetries } from 'src/common/database/unit-of-work.metrics';
import { WebhookProcessor } from 'src/modules/payments/webhooks/webhook-processor.service';
import type { SettlementEvent } from 'src/modules/payments/settlement/settlement.types';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { WalletService } from 'src/modules/wallet/wallet.service';
import { createServiceHarness, ServiceHarness } from '../support/service-harness';
import {
  newUser,
  paidEvent,
  pendingCheckout,
  PendingCheckout,
  withLedgerEntryFailing,
} from '../support/settlement-fixtures';

/**
 * Deliveries lock the transaction row, then insert the event (its unique key); a replay locks the event
 * row, then the transaction row (ADR 0127). These races must apply money once, without a deadlock:
 * a deadlock would be retried by the unit of work, so retries are counted and must stay at zero.
 */
describe('Webhook deliveries racing each other and replays (medium)', () => {
  let h: ServiceHarness;
  let processor: WebhookProcessor;
  let transactions: TransactionsRepository;
  let retries: jest.SpyInstance;

  beforeAll(async () => {
    h = await createServiceHarness();
    processor = h.module.get(WebhookProcessor);
    transactions = h.module.get(TransactionsRepository);
    retries = jest.spyOn(unitOfWorkRetries, 'inc');
  });
  afterEach(() => expect(retries).not.toHaveBeenCalled());
  afterAll(async () => {
    retries.mockRestore();
    await h.close();
  });

  const deposit = async (amount: number): Promise<PendingCheckout> =>
    pendingCheckout(h, {
      userId: await newUser(h, 'race'),
      type: 'DEPOSIT',
      paymentType: 'wallet_deposit',
      amount,
    });

  async function expectCreditedOnce(
    t: { userId: string; id: string },
    amount: number,
  ): Promise<void> {
    expect((await transactions.findById(t.id))?.status).toBe('COMPLETED');
    const entries = await h.db.query(`SELECT 1 FROM ledger_entries WHERE entry_id = $1`, [
      `deposit:${t.id}`,
    ]);
    expect(entries).toHaveLength(1);
    expect((await h.module.get(WalletService).getWallet(t.userId)).balance).toBe(amount);
  }

  /** The first delivery of `event` fails on its ledger post: stored ERROR, nothing credited. */
  async function failOnce(t: { id: string }, event: SettlementEvent): Promise<string> {
    await withLedgerEntryFailing(h.db, `deposit:${t.id}`, async () => {
      await expect(processor.applyFinding(event, 'medium')).rejects.toThrow(
        'webhook processing failed',
      );
    });
    const [row] = await h.db.query<Array<{ id: string; status: string }>>(
      `SELECT id, status FROM webhook_events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(row.status).toBe('ERROR');
    expect((await transactions.findById(t.id))?.status).toBe('PENDING');
    return row.id;
  }

  it('should apply N parallel copies of one event once, with an exact balance', async () => {
    const t = await deposit(12_345);
    const event = paidEvent(t, 12_345);
    const results = await Promise.all(
      Array.from({ length: 8 }, () => processor.applyFinding(event, 'copy')),
    );
    expect(results.filter((r) => r.status === 'PROCESSED')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'DUPLICATE')).toHaveLength(7);
    await expectCreditedOnce(t, 12_345);
    const rows = await h.db.query(`SELECT 1 FROM webhook_events WHERE event_id = $1`, [
      event.eventId,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('should credit once when two different events for one payment arrive in parallel', async () => {
    const t = await deposit(20_000);
    const a = paidEvent(t, 20_000);
    const b = { ...paidEvent(t, 20_000), paymentId: a.paymentId };
    const results = await Promise.all([
      processor.applyFinding(a, 'a'),
      processor.applyFinding(b, 'b'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['NO_OP', 'PROCESSED']);
    await expectCreditedOnce(t, 20_000);
    const rows = await h.db.query<Array<{ status: string; transaction_id: string }>>(
      `SELECT status, transaction_id FROM webhook_events WHERE event_id IN ($1, $2) ORDER BY status`,
      [a.eventId, b.eventId],
    );
    expect(rows).toEqual([
      { status: 'NO_OP', transaction_id: t.id },
      { status: 'PROCESSED', transaction_id: t.id },
    ]);
  });

  it('should apply an ERROR row once when gateway copies race an admin replay, without a deadlock', async () => {
    for (let i = 0; i < 5; i++) {
      const t = await deposit(7_000 + i);
      const event = paidEvent(t, 7_000 + i);
      const rowId = await failOnce(t, event);
      const [copy1, replay, copy2] = await Promise.all([
        processor.applyFinding(event, 'copy'),
        processor.replay(rowId),
        processor.applyFinding(event, 'copy'),
      ]);
      expect(replay.found).toBe(true);
      // Exactly one of them applied it; the others saw it applied (a copy gets the row's status).
      const statuses = [copy1.status, replay.status, copy2.status];
      expect(statuses).toContain('PROCESSED');
      expect(statuses.every((s) => ['PROCESSED', 'NO_OP', 'DUPLICATE'].includes(s))).toBe(true);
      await expectCreditedOnce(t, 7_000 + i);
    }
  });

  it('should heal a failed event once when N copies arrive in parallel after the failure', async () => {
    const t = await deposit(9_900);
    const event = paidEvent(t, 9_900);
    await failOnce(t, event);
    const results = await Promise.all(
      Array.from({ length: 6 }, () => processor.applyFinding(event, 'retry')),
    );
    expect(results.every((r) => ['PROCESSED', 'DUPLICATE'].includes(r.status))).toBe(true);
    await expectCreditedOnce(t, 9_900);
    const [row] = await h.db.query<Array<{ status: string; replay_count: number }>>(
      `SELECT status, replay_count FROM webhook_events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(row).toEqual({ status: 'PROCESSED', replay_count: 1 });
  });
});
