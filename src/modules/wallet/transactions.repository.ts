import { Injectable } from '@nestjs/common';
import { isUuid } from 'src/common/ids/uuid';
import { decodeCursor, encodeCursor, type Row, toEntity } from './transaction-row';
import {
  AWAITING_ADMIN_SQL,
  type OwnedRow,
  PENDING_CHECKOUTS_SQL,
  PENDING_REFUNDS_TO_ORIGINAL_SQL,
  searchQuery,
  TransactionSearch,
  TransactionWithOwner,
  WITH_OWNER_BY_ID_SQL,
  withOwner,
  WITHDRAWAL_QUEUE_SQL,
} from './transaction-search';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { WalletErrors } from './wallet.errors';
import { isCentavoAmount } from 'src/common/money/money';
import { returningRows } from 'src/database/returning-rows';
import { insertTransactionsSql } from './transaction-insert';
import type {
  CreatePendingInput,
  ListQuery,
  PendingCheckoutRow,
  PendingRefundRow,
  Transaction,
  TransactionStatus,
} from './transaction.model';

export type { CreatePendingInput, ListQuery, PendingCheckoutRow, PendingRefundRow };

const TERMINAL_STATUSES = ['FAILED', 'EXPIRED', 'CANCELLED'] as const;
type TerminalFailure = (typeof TERMINAL_STATUSES)[number];

/**
 * The user-facing `transactions` table. Status moves only PENDING → terminal (a trigger enforces it);
 * COMPLETED always names the ledger entry that moved the money.
 */
@Injectable()
export class TransactionsRepository {
  constructor(private readonly ds: DataSource) {}

  async createPending(input: CreatePendingInput, manager?: EntityManager): Promise<Transaction> {
    return (await this.insert([input], null, manager))[0];
  }

  /** Rows of money the ledger entry already moved, written COMPLETED in one statement. */
  createCompleted(
    inputs: readonly CreatePendingInput[],
    ledgerEntryId: string,
    manager: EntityManager,
  ): Promise<Transaction[]> {
    return this.insert(inputs, ledgerEntryId, manager);
  }

  private async insert(
    inputs: readonly CreatePendingInput[],
    ledgerEntryId: string | null,
    manager?: EntityManager,
  ): Promise<Transaction[]> {
    if (inputs.some((i) => !isCentavoAmount(i.amount)))
      throw new AppError(WalletErrors.INVALID_AMOUNT, {
        message: 'amount must be a positive integer of centavos',
      });
    const { sql, params } = insertTransactionsSql(inputs, ledgerEntryId);
    return (await this.q(manager).query<Row[]>(sql, params)).map(toEntity);
  }

  /** PENDING → COMPLETED with its ledger entry (+ `metadata`, same UPDATE); again with it: no-op. */
  async complete(
    id: string,
    input: { ledgerEntryId: string; metadata?: Record<string, unknown> },
    manager?: EntityManager,
  ): Promise<Transaction> {
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET status = 'COMPLETED', completed_at = now(), ledger_entry_id = $2,
              metadata = metadata || $3::jsonb
       WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [id, input.ledgerEntryId, JSON.stringify(input.metadata ?? {})],
      ),
    );
    if (rows.length > 0) return toEntity(rows[0]);
    const current = await this.findById(id, manager);
    if (!current)
      throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, { message: 'Transaction not found' });
    if (current.status === 'COMPLETED' && current.ledgerEntryId === input.ledgerEntryId)
      return current;
    throw new AppError(WalletErrors.TRANSACTION_NOT_PENDING, {
      message: `Transaction is already ${current.status}`,
    });
  }

  /** PENDING → FAILED/EXPIRED/CANCELLED (never after COMPLETED). Repeating the same status is a no-op. */
  async setStatus(
    id: string,
    status: TerminalFailure,
    manager?: EntityManager,
  ): Promise<Transaction> {
    if (!TERMINAL_STATUSES.includes(status))
      throw new AppError(WalletErrors.INVALID_STATUS, {
        message: 'status must be FAILED, EXPIRED or CANCELLED',
      });
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET status = $2 WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [id, status],
      ),
    );
    if (rows.length > 0) return toEntity(rows[0]);
    const current = await this.findById(id, manager);
    if (!current)
      throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, { message: 'Transaction not found' });
    if (current.status === status) return current;
    throw new AppError(WalletErrors.TRANSACTION_NOT_PENDING, {
      message: `Transaction is already ${current.status}`,
    });
  }

  /**
   * COMPLETED → REVERSED for a withdrawal whose payout came back after succeeding. Returns false when it
   * was not COMPLETED (already reversed, or never completed): the caller moves no money then.
   */
  async markReversed(id: string, manager: EntityManager): Promise<boolean> {
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET status = 'REVERSED'
         WHERE id = $1 AND status = 'COMPLETED' AND type = 'WITHDRAWAL' RETURNING *`,
        [id],
      ),
    );
    return rows.length > 0;
  }

  /** Records the gateway's identifiers (checkout id, payout id) and extra metadata on a transaction. */
  async attachProvider(
    id: string,
    input: { provider?: string; providerReference?: string; metadata?: Record<string, unknown> },
    manager?: EntityManager,
  ): Promise<Transaction> {
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET provider = coalesce($2, provider),
              provider_reference = coalesce($3, provider_reference),
              metadata = metadata || $4::jsonb
       WHERE id = $1 RETURNING *`,
        [
          id,
          input.provider ?? null,
          input.providerReference ?? null,
          JSON.stringify(input.metadata ?? {}),
        ],
      ),
    );
    if (rows.length === 0)
      throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, { message: 'Transaction not found' });
    return toEntity(rows[0]);
  }

  async findById(id: string, manager?: EntityManager): Promise<Transaction | null> {
    if (!isUuid(id)) return null;
    const rows = await this.q(manager).query<Row[]>(`SELECT * FROM transactions WHERE id = $1`, [
      id,
    ]);
    return rows.length ? toEntity(rows[0]) : null;
  }

  async findByProviderReference(
    provider: string,
    providerReference: string,
    manager?: EntityManager,
  ): Promise<Transaction | null> {
    const rows = await this.q(manager).query<Row[]>(
      `SELECT * FROM transactions WHERE provider = $1 AND provider_reference = $2
       ORDER BY created_at LIMIT 1`,
      [provider, providerReference],
    );
    return rows.length ? toEntity(rows[0]) : null;
  }

  /** SELECT … FOR UPDATE inside the caller's transaction. */
  async lockById(id: string, manager: EntityManager): Promise<Transaction | null> {
    if (!isUuid(id)) return null;
    const rows = await manager.query<Row[]>(`SELECT * FROM transactions WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows.length ? toEntity(rows[0]) : null;
  }

  /** One of the user's transactions; someone else's (or unknown) → 404. */
  async findForUser(userId: string, id: string): Promise<Transaction> {
    const t = await this.findById(id);
    if (!t || t.userId !== userId)
      throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND, { message: 'Transaction not found' });
    return t;
  }

  /** Newest first, keyset pagination on (created_at, id). */
  async list(
    userId: string,
    query: ListQuery,
  ): Promise<{ data: Transaction[]; nextCursor: string | null }> {
    const params: unknown[] = [userId];
    const where = ['user_id = $1'];
    if (query.type) {
      params.push(query.type);
      where.push(`type = $${params.length}`);
    }
    if (query.status) {
      params.push(query.status);
      where.push(`status = $${params.length}`);
    }
    if (query.cursor) {
      const c = decodeCursor(query.cursor);
      params.push(c.ts, c.id);
      where.push(
        `(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    params.push(query.limit + 1);
    const rows = await this.ds.query<Row[]>(
      `SELECT *, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts
       FROM transactions WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toEntity),
      nextCursor:
        rows.length > query.limit && last?.cursor_ts ? encodeCursor(last.cursor_ts, last.id) : null,
    };
  }

  /** PENDING earnings still in the buffer, soonest release first. */
  async pendingEarnings(userId: string): Promise<Transaction[]> {
    const rows = await this.ds.query<Row[]>(
      `SELECT * FROM transactions WHERE user_id = $1 AND type = 'PENDING_EARNING' AND status = 'PENDING'
       ORDER BY release_at NULLS LAST, created_at LIMIT 500`,
      [userId],
    );
    return rows.map(toEntity);
  }

  // ---- narrow reads for other modules (each names the question it answers) -------------------

  /** Settlement routing: the checkout transaction a gateway payment intent belongs to. */
  async findIdByPaymentIntent(
    provider: string,
    paymentIntentId: string,
    m: EntityManager,
  ): Promise<string | null> {
    const rows = await m.query<Array<{ id: string }>>(
      `SELECT id FROM transactions WHERE provider = $1 AND metadata->>'paymentIntentId' = $2 LIMIT 1`,
      [provider, paymentIntentId],
    );
    return rows[0]?.id ?? null;
  }

  /** Reconciliation: PENDING gateway checkouts older than `minAgeSeconds`, oldest first. */
  async pendingCheckouts(
    minAgeSeconds: number,
    lifetimeSeconds: number,
    limit: number,
  ): Promise<PendingCheckoutRow[]> {
    return this.ds.query<PendingCheckoutRow[]>(PENDING_CHECKOUTS_SQL, [
      minAgeSeconds,
      lifetimeSeconds,
      limit,
    ]);
  }

  /** Refund reconciliation: PENDING refunds to the original method older than `minAgeSeconds`. */
  async pendingRefundsToOriginal(
    minAgeSeconds: number,
    giveUpSeconds: number,
    limit: number,
  ): Promise<PendingRefundRow[]> {
    return this.ds.query<PendingRefundRow[]>(PENDING_REFUNDS_TO_ORIGINAL_SQL, [
      minAgeSeconds,
      giveUpSeconds,
      limit,
    ]);
  }

  /** Refunds: what was already refunded (or is being refunded) of a charge. */
  async refundedTotal(originalId: string, m: EntityManager): Promise<number> {
    const [{ total }] = await m.query<Array<{ total: string }>>(
      `SELECT coalesce(sum(amount), 0) AS total FROM transactions
       WHERE type = 'REFUND' AND status IN ('COMPLETED', 'PENDING') AND metadata->>'refundOf' = $1`,
      [originalId],
    );
    return Number(total);
  }

  /** Verification: checkouts the user started in the last 24 hours. */
  async verificationAttemptsLastDay(userId: string): Promise<number> {
    const rows = await this.ds.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM transactions WHERE user_id = $1 AND type = 'VERIFICATION_BONUS'
         AND created_at > now() - interval '24 hours'`,
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** A payout account still has a withdrawal in flight (it may not be removed). */
  async hasPendingWithdrawalTo(paymentMethodId: string, m: EntityManager): Promise<boolean> {
    const rows = await m.query<unknown[]>(
      `SELECT 1 FROM transactions WHERE payment_method_id = $1 AND type = 'WITHDRAWAL' AND status = 'PENDING' LIMIT 1`,
      [paymentMethodId],
    );
    return rows.length > 0;
  }

  /** A payout account already received a completed withdrawal. */
  async hasCompletedWithdrawalTo(paymentMethodId: string, m: EntityManager): Promise<boolean> {
    const rows = await m.query<unknown[]>(
      `SELECT 1 FROM transactions WHERE payment_method_id = $1 AND type = 'WITHDRAWAL' AND status = 'COMPLETED' LIMIT 1`,
      [paymentMethodId],
    );
    return rows.length > 0;
  }

  /** Daily withdrawal limits: the user's PENDING or COMPLETED withdrawals since 00:00 UTC. */
  async withdrawalsToday(
    userId: string,
    m: EntityManager,
  ): Promise<{ count: number; total: number }> {
    const [today] = await m.query<Array<{ n: string; total: string }>>(
      `SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM transactions
       WHERE user_id = $1 AND type = 'WITHDRAWAL' AND status IN ('PENDING', 'COMPLETED')
         AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
      [userId],
    );
    return { count: Number(today.n), total: Number(today.total) };
  }

  /** Payout poll: PENDING withdrawals the gateway has an id for, oldest first. */
  async pendingPayouts(
    limit: number,
  ): Promise<Array<{ id: string; provider: string; provider_reference: string }>> {
    return this.ds.query(
      `SELECT id, provider, provider_reference FROM transactions
       WHERE type = 'WITHDRAWAL' AND status = 'PENDING' AND provider_reference IS NOT NULL
       ORDER BY created_at LIMIT $1`,
      [limit],
    );
  }

  /** Admin search, newest first: up to `limit` + 1 rows (the extra one says another page follows). */
  async search(q: TransactionSearch, limit: number): Promise<TransactionWithOwner[]> {
    const { sql, params } = searchQuery(q, limit);
    return (await this.ds.query<OwnedRow[]>(sql, params)).map(withOwner);
  }

  /** Admin: one transaction with its owner's email. */
  async findWithOwner(id: string): Promise<TransactionWithOwner | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.ds.query<OwnedRow[]>(WITH_OWNER_BY_ID_SQL, [id]);
    return row ? withOwner(row) : null;
  }

  /** Admin withdrawal queue by status, oldest first; up to `limit` + 1 rows after `cursor`. */
  async withdrawalQueue(
    status: TransactionStatus,
    limit: number,
    cursor?: string,
  ): Promise<TransactionWithOwner[]> {
    const rows = await this.ds.query<OwnedRow[]>(WITHDRAWAL_QUEUE_SQL, [
      status,
      limit + 1,
      cursor ?? null,
    ]);
    return rows.map(withOwner);
  }

  /** What waits for an admin: PENDING withdrawals without a gateway payout, and the oldest. */
  async awaitingAdmin(): Promise<{
    waiting: number;
    ageSeconds: number | null;
    oldestId: string | null;
  }> {
    const [row] =
      await this.ds.query<Array<{ waiting: string; age: string | null; oldest_id: string | null }>>(
        AWAITING_ADMIN_SQL,
      );
    return {
      waiting: Number(row.waiting),
      ageSeconds: row.age === null ? null : Number(row.age),
      oldestId: row.oldest_id,
    };
  }

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.ds.manager;
  }
}
