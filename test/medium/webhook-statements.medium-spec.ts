import { Client } from 'pg';
import { WebhookProcessor } from 'src/modules/payments/webhooks/webhook-processor.service';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { createServiceHarness, ServiceHarness } from '../support/service-harness';
import {
  newUser,
  paidEvent,
  pendingCheckout,
  withLedgerEntryFailing,
} from '../support/settlement-fixtures';

/**
 * The statements a paid checkout's webhook sends, in order (docs/BENCHMARKS.md, webhooks; ADR 0127).
 * What would regress silently: the event is stored WITH its outcome by its INSERT, after the decision
 * under the transaction row lock (no outcome UPDATE on a first delivery); the payment id rides on the
 * completing UPDATE (one UPDATE of the transaction row, not two); `ledger_post` is the last statement
 * before COMMIT, so the hot gateway clearing balance is locked as briefly as in the bare floor. A
 * duplicate costs BEGIN, the row lock, the insert (which also reads the stored row), ROLLBACK.
 */
describe('Webhook statements per delivery (medium)', () => {
  let h: ServiceHarness;
  let processor: WebhookProcessor;
  let transactions: TransactionsRepository;
  let sent: Array<{ text: string; values: unknown[] }> | null = null;
  type Query = (...args: unknown[]) => unknown;
  const proto = Client.prototype as unknown as { query: Query };
  const original = proto.query;

  beforeAll(async () => {
    h = await createServiceHarness();
    processor = h.module.get(WebhookProcessor);
    transactions = h.module.get(TransactionsRepository);
    proto.query = function (this: unknown, ...args: unknown[]): unknown {
      const q = args[0] as string | { text?: string; values?: unknown[] };
      if (sent)
        sent.push(
          typeof q === 'string'
            ? { text: q, values: Array.isArray(args[1]) ? (args[1] as unknown[]) : [] }
            : { text: q.text ?? '', values: q.values ?? [] },
        );
      return original.apply(this, args);
    };
  });
  afterAll(async () => {
    proto.query = original;
    await h.close();
  });

  /** The statements of the first database transaction `fn` runs (BEGIN … COMMIT). */
  async function transactionOf(fn: () => Promise<unknown>): Promise<string[]> {
    sent = [];
    try {
      await fn();
    } finally {
      const all = sent;
      sent = null;
      const begin = all.findIndex((s) => s.text === 'START TRANSACTION');
      const commit = all.findIndex((s) => s.text === 'COMMIT');
      expect(begin).toBeGreaterThanOrEqual(0);
      expect(commit).toBeGreaterThan(begin);
      recorded = all.slice(begin, commit + 1);
    }
    return recorded.map((s) => kind(s.text));
  }
  let recorded: Array<{ text: string; values: unknown[] }> = [];

  /** A statement named by what it does. */
  function kind(text: string): string {
    const t = text.replace(/\s+/g, ' ').trim();
    if (t.startsWith('WITH ins AS (INSERT INTO webhook_events')) return 'insert event';
    if (t.startsWith('UPDATE webhook_events SET status')) return 'event outcome';
    if (t.startsWith('SELECT * FROM webhook_events WHERE id = $1 FOR UPDATE')) return 'lock event';
    if (t.startsWith('SELECT * FROM transactions WHERE id = $1 FOR UPDATE')) return 'lock txn';
    if (t.startsWith('UPDATE transactions')) return 'update txn';
    if (t.startsWith('SELECT * FROM ledger_post(')) return 'ledger_post';
    if (t.startsWith('SELECT * FROM ledger_post_batch(')) return 'ledger_post';
    return t.slice(0, 40);
  }

  const updatesOf = (txnId: string) =>
    recorded.filter((s) => kind(s.text) === 'update txn' && s.values[0] === txnId).length;

  async function expectCompleted(txnId: string, paymentId: string | null): Promise<void> {
    const t = await transactions.findById(txnId);
    expect(t?.status).toBe('COMPLETED');
    expect(t?.metadata.paymentId).toBe(paymentId);
  }

  it('should store the event with its outcome before the money moves on a deposit, in one UPDATE of the transaction, and answer a copy in 4 statements', async () => {
    const userId = await newUser(h, 'stmts');
    const txn = await pendingCheckout(h, {
      userId,
      type: 'DEPOSIT',
      paymentType: 'wallet_deposit',
      amount: 50_000,
    });
    const event = paidEvent(txn, 50_000);

    const first = await transactionOf(() => processor.applyFinding(event, 'medium'));
    expect(first).toEqual([
      'START TRANSACTION',
      'lock txn',
      'insert event', // with its outcome: no `UPDATE webhook_events` follows
      'update txn', // COMPLETED, ledger entry and payment id together
      'ledger_post', // last: the clearing balance is locked from here to COMMIT only
      'COMMIT',
    ]);
    await expectCompleted(txn.id, event.paymentId);
    const [row] = await h.db.query<Array<{ status: string; transaction_id: string }>>(
      `SELECT status, transaction_id FROM webhook_events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(row).toEqual({ status: 'PROCESSED', transaction_id: txn.id });
    const inserted = recorded.find((s) => kind(s.text) === 'insert event');
    expect(inserted?.values.slice(13, 16)).toEqual(['PROCESSED', null, txn.id]);

    sent = [];
    const copy = await processor.applyFinding(event, 'medium copy');
    const copyStatements = sent.map((s) => kind(s.text));
    sent = null;
    expect(copy).toEqual({ status: 'DUPLICATE', eventRowId: null });
    // Nothing of the copy's attempt stays: it rolls back, releasing the transaction row.
    expect(copyStatements).toEqual(['START TRANSACTION', 'lock txn', 'insert event', 'ROLLBACK']);
  });

  it('should roll the recorded outcome back with the money when the effect fails (the event is flagged ERROR, and its copy applies it once)', async () => {
    const userId = await newUser(h, 'stmts');
    const txn = await pendingCheckout(h, {
      userId,
      type: 'DEPOSIT',
      paymentType: 'wallet_deposit',
      amount: 30_000,
    });
    const event = paidEvent(txn, 30_000);
    // The credit's ledger post fails: after the event was stored with its outcome, as the last statement.
    await withLedgerEntryFailing(h.db, `deposit:${txn.id}`, async () => {
      await expect(processor.applyFinding(event, 'medium')).rejects.toThrow(
        'webhook processing failed',
      );
    });
    const [flagged] = await h.db.query<Array<{ status: string }>>(
      `SELECT status FROM webhook_events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(flagged.status).toBe('ERROR');
    expect((await transactions.findById(txn.id))?.status).toBe('PENDING');

    // The gateway's next copy finds the ERROR row with its insert, rolls back, and applies the row
    // (an UPDATE of the stored row, as an admin replay).
    sent = [];
    const healed = await processor.applyFinding(event, 'medium retry');
    const healing = sent.map((s) => kind(s.text));
    sent = null;
    expect(healed.status).toBe('PROCESSED');
    expect(healing).toEqual([
      'START TRANSACTION',
      'lock txn',
      'insert event',
      'ROLLBACK',
      'START TRANSACTION',
      'lock event',
      'lock txn',
      'event outcome',
      'update txn',
      'ledger_post',
      'COMMIT',
    ]);
    const [stored] = await h.db.query<Array<{ status: string; replay_count: number }>>(
      `SELECT status, replay_count FROM webhook_events WHERE event_id = $1`,
      [event.eventId],
    );
    expect(stored).toEqual({ status: 'PROCESSED', replay_count: 1 });
    await expectCompleted(txn.id, event.paymentId);
    const entries = await h.db.query(`SELECT 1 FROM ledger_entries WHERE entry_id = $1`, [
      `deposit:${txn.id}`,
    ]);
    expect(entries).toHaveLength(1);
  });

  it('should complete a verification checkout in one UPDATE with the ledger last', async () => {
    const userId = await newUser(h, 'stmts');
    const txn = await pendingCheckout(h, {
      userId,
      type: 'VERIFICATION_BONUS',
      paymentType: 'gcash_verification',
      amount: 100,
    });
    const event = paidEvent(txn, 100);
    const statements = await transactionOf(() => processor.applyFinding(event, 'medium'));
    expect(statements.slice(0, 3)).toEqual(['START TRANSACTION', 'lock txn', 'insert event']);
    expect(statements).not.toContain('event outcome');
    expect(statements.slice(-2)).toEqual(['ledger_post', 'COMMIT']);
    expect(updatesOf(txn.id)).toBe(1);
    await expectCompleted(txn.id, event.paymentId);
  });

  it('should complete a job downpayment checkout in one UPDATE with the ledger last', async () => {
    const clientId = await newUser(h, 'stmts', 'CLIENT');
    const workerId = await newUser(h, 'stmts', 'WORKER');
    const [job] = await h.db.query<Array<{ id: string }>>(
      `INSERT INTO jobs (client_id, worker_id, title, budget, platform_fee_bps, platform_fee,
                         downpayment_amount, remaining_amount, payment_buffer_days, status)
       VALUES ($1, $2, 'Medium job', 20000, 500, 1000, 10000, 10000, 7, 'AWAITING_DOWNPAYMENT')
       RETURNING id`,
      [clientId, workerId],
    );
    const txn = await pendingCheckout(h, {
      userId: clientId,
      type: 'PAYMENT',
      paymentType: 'downpayment',
      amount: 11_000,
      jobId: job.id,
    });
    await h.db.query(`UPDATE jobs SET downpayment_transaction_id = $2 WHERE id = $1`, [
      job.id,
      txn.id,
    ]);
    const event = paidEvent(txn, 11_000);
    const statements = await transactionOf(() => processor.applyFinding(event, 'medium'));
    expect(statements.slice(0, 3)).toEqual(['START TRANSACTION', 'lock txn', 'insert event']);
    expect(statements).not.toContain('event outcome');
    expect(statements.slice(-2)).toEqual(['ledger_post', 'COMMIT']);
    expect(updatesOf(txn.id)).toBe(1);
    await expectCompleted(txn.id, event.paymentId);
    const [after] = await h.db.query<Array<{ status: string }>>(
      `SELECT status FROM jobs WHERE id = $1`,
      [job.id],
    );
    expect(after.status).toBe('IN_PROGRESS');
  });
});
