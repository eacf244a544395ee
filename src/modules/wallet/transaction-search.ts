// The `transactions` table's longer SQL, kept beside TransactionsRepository (its only user).
import { isUuid } from 'src/common/ids/uuid';
import { type Row, toEntity } from './transaction-row';
import type { Transaction, TransactionStatus, TransactionType } from './transaction.model';

/** A transaction with its owner's email, for admin views. */
export interface TransactionWithOwner extends Transaction {
  userEmail: string;
}

/** A `transactions` row joined with its owner's email. */
export type OwnedRow = Row & { user_email: string };

export const withOwner = (r: OwnedRow): TransactionWithOwner => ({
  ...toEntity(r),
  userEmail: r.user_email,
});

/** One transaction with its owner's email. */
export const WITH_OWNER_BY_ID_SQL = `SELECT t.*, u.email AS user_email FROM transactions t
  JOIN users u ON u.id = t.user_id WHERE t.id = $1`;

/** Admin search over every user's transactions (all optional, combined with AND). */
export interface TransactionSearch {
  userId?: string;
  type?: TransactionType;
  status?: TransactionStatus;
  jobId?: string;
  /** ISO timestamps: created_at in [from, to). */
  from?: string;
  to?: string;
  /** Our reference, the gateway reference, or the transaction id. */
  reference?: string;
  /** Id of the last row of the previous page (newest first). */
  cursor?: string;
}

/** SQL and parameters of one page (limit + 1 rows, to tell whether another follows), newest first. */
export function searchQuery(
  q: TransactionSearch,
  limit: number,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (sql: (p: string) => string, v: unknown) => {
    params.push(v);
    where.push(sql(`$${params.length}`));
  };
  if (q.userId) add((p) => `t.user_id = ${p}`, q.userId);
  if (q.type) add((p) => `t.type = ${p}`, q.type);
  if (q.status) add((p) => `t.status = ${p}`, q.status);
  if (q.jobId) add((p) => `t.job_id = ${p}`, q.jobId);
  if (q.from) add((p) => `t.created_at >= ${p}::timestamptz`, q.from);
  if (q.to) add((p) => `t.created_at < ${p}::timestamptz`, q.to);
  if (q.reference)
    add(
      (p) =>
        `(t.reference = ${p} OR t.provider_reference = ${p}${isUuid(q.reference ?? '') ? ` OR t.id = ${p}::uuid` : ''})`,
      q.reference,
    );
  if (q.cursor)
    add(
      (p) => `(t.created_at, t.id) < (SELECT created_at, id FROM transactions WHERE id = ${p})`,
      q.cursor,
    );
  params.push(limit + 1);
  return {
    sql: `SELECT t.*, u.email AS user_email FROM transactions t JOIN users u ON u.id = t.user_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.created_at DESC, t.id DESC LIMIT $${params.length}`,
    params,
  };
}

/** Admin withdrawal queue: by status, oldest first (FIFO settlement), limit + 1 rows after `cursor`. */
export const WITHDRAWAL_QUEUE_SQL = `SELECT t.*, u.email AS user_email FROM transactions t JOIN users u ON u.id = t.user_id
       WHERE t.type = 'WITHDRAWAL' AND t.status = $1
         AND ($3::uuid IS NULL OR (t.created_at, t.id) > (SELECT created_at, id FROM transactions WHERE id = $3))
       ORDER BY t.created_at, t.id LIMIT $2`;

/** PENDING withdrawals with no gateway payout (manual payouts, unknown outcomes): count, oldest. */
export const AWAITING_ADMIN_SQL = `SELECT count(*) AS waiting,
              floor(extract(epoch FROM now() - min(created_at))) AS age,
              (array_agg(id ORDER BY created_at, id))[1] AS oldest_id
       FROM transactions
       WHERE type = 'WITHDRAWAL' AND status = 'PENDING' AND provider_reference IS NULL`;

/** PENDING gateway checkouts older than $1 s ($2: past the checkout lifetime), oldest first, $3 rows. */
export const PENDING_CHECKOUTS_SQL = `SELECT id, provider, provider_reference,
              created_at < now() - make_interval(secs => $2) AS expired_by_age
       FROM transactions
       WHERE status = 'PENDING' AND provider IS NOT NULL
         AND metadata ? 'paymentType' AND type <> 'WITHDRAWAL'
         AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $3`;

/** PENDING refunds to the original method older than $1 s ($2: time to give up), oldest first, $3 rows. */
export const PENDING_REFUNDS_TO_ORIGINAL_SQL = `SELECT id, provider, provider_reference, metadata->>'refundOf' AS refund_of,
              created_at < now() - make_interval(secs => $2) AS give_up
       FROM transactions
       WHERE type = 'REFUND' AND status = 'PENDING' AND metadata->>'to' = 'original'
         AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $3`;
