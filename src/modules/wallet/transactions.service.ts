import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { isCentavoAmount } from '../../common/money/money';
import { returningRows } from '../../database/returning-rows';
import { Transaction, TransactionStatus, TransactionType } from './transaction.entity';
import { CommonErrors } from '../../common/errors/common.errors';
import { WalletErrors } from './wallet.errors';

export interface CreatePendingInput {
  userId: string;
  type: TransactionType;
  amount: number;
  currency?: string;
  provider?: string;
  description?: string;
  reference?: string;
  paymentMethodId?: string;
  jobId?: string;
  metadata?: Record<string, unknown>;
  /** PENDING_EARNING: when it leaves the buffer. */
  releaseAt?: Date;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  type?: TransactionType;
  status?: TransactionStatus;
}

interface Row {
  id: string;
  user_id: string;
  type: TransactionType;
  status: TransactionStatus;
  amount: string;
  currency: string;
  description: string | null;
  reference: string | null;
  provider: string | null;
  provider_reference: string | null;
  payment_method_id: string | null;
  job_id: string | null;
  metadata: Record<string, unknown>;
  ledger_entry_id: string | null;
  release_at: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  cursor_ts?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMINAL_STATUSES = ['FAILED', 'EXPIRED', 'CANCELLED'] as const;
type TerminalFailure = (typeof TERMINAL_STATUSES)[number];

/**
 * The user-facing `transactions` table. Status moves only PENDING → terminal (a trigger enforces it);
 * COMPLETED always names the ledger entry that moved the money.
 */
@Injectable()
export class TransactionsService {
  constructor(private readonly ds: DataSource) {}

  async createPending(input: CreatePendingInput, manager?: EntityManager): Promise<Transaction> {
    if (!isCentavoAmount(input.amount)) throw new AppError(WalletErrors.INVALID_AMOUNT);
    const rows = await this.q(manager).query<Row[]>(
      `INSERT INTO transactions (user_id, type, status, amount, currency, provider, description, reference,
                                 payment_method_id, job_id, metadata, release_at)
       VALUES ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, $11)
       RETURNING *`,
      [
        input.userId,
        input.type,
        input.amount,
        input.currency ?? 'PHP',
        input.provider ?? null,
        input.description ?? null,
        input.reference ?? null,
        input.paymentMethodId ?? null,
        input.jobId ?? null,
        JSON.stringify(input.metadata ?? {}),
        input.releaseAt ?? null,
      ],
    );
    return toEntity(rows[0]);
  }

  /** PENDING → COMPLETED, linked to the ledger entry. Completing again with the same entry is a no-op. */
  async complete(
    id: string,
    input: { ledgerEntryId: string },
    manager?: EntityManager,
  ): Promise<Transaction> {
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET status = 'COMPLETED', completed_at = now(), ledger_entry_id = $2
       WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [id, input.ledgerEntryId],
      ),
    );
    if (rows.length > 0) return toEntity(rows[0]);
    const current = await this.findById(id, manager);
    if (!current) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
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
    if (!TERMINAL_STATUSES.includes(status)) throw new AppError(WalletErrors.INVALID_STATUS);
    const rows = returningRows<Row>(
      await this.q(manager).query(
        `UPDATE transactions SET status = $2 WHERE id = $1 AND status = 'PENDING' RETURNING *`,
        [id, status],
      ),
    );
    if (rows.length > 0) return toEntity(rows[0]);
    const current = await this.findById(id, manager);
    if (!current) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
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
    if (rows.length === 0) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
    return toEntity(rows[0]);
  }

  async findById(id: string, manager?: EntityManager): Promise<Transaction | null> {
    if (!UUID.test(id)) return null;
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
    if (!UUID.test(id)) return null;
    const rows = await manager.query<Row[]>(`SELECT * FROM transactions WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows.length ? toEntity(rows[0]) : null;
  }

  /** One of the user's transactions; someone else's (or unknown) → 404. */
  async findForUser(userId: string, id: string): Promise<Transaction> {
    const t = await this.findById(id);
    if (!t || t.userId !== userId) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
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

  private q(manager?: EntityManager): EntityManager {
    return manager ?? this.ds.manager;
  }
}

function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { ts: string; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const [ts, id] = raw.split('|');
  if (!ts || !id || !UUID.test(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(ts))
    throw new AppError(CommonErrors.INVALID_CURSOR);
  return { ts, id };
}

function toEntity(r: Row): Transaction {
  const t = new Transaction();
  t.id = r.id;
  t.userId = r.user_id;
  t.type = r.type;
  t.status = r.status;
  t.amount = Number(r.amount);
  t.currency = r.currency;
  t.description = r.description;
  t.reference = r.reference;
  t.provider = r.provider;
  t.providerReference = r.provider_reference;
  t.paymentMethodId = r.payment_method_id;
  t.jobId = r.job_id;
  t.metadata = r.metadata;
  t.ledgerEntryId = r.ledger_entry_id;
  t.releaseAt = r.release_at;
  t.createdAt = r.created_at;
  t.updatedAt = r.updated_at;
  t.completedAt = r.completed_at;
  return t;
}
