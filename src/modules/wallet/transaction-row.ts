import { AppError } from 'src/common/errors/app-error';
import { CommonErrors } from 'src/common/errors/common.errors';
import { isUuid } from 'src/common/ids/uuid';
import type { Transaction, TransactionStatus, TransactionType } from './transaction.model';

/** A `transactions` row as PostgreSQL returns it (bigint as string). */
export interface Row {
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

/** Keyset cursor of the user's list: (created_at with microseconds, id). */
export function encodeCursor(ts: string, id: string): string {
  return Buffer.from(`${ts}|${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { ts: string; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const [ts, id] = raw.split('|');
  if (!ts || !id || !isUuid(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(ts))
    throw new AppError(CommonErrors.INVALID_CURSOR, { message: 'cursor is not valid' });
  return { ts, id };
}

export function toEntity(r: Row): Transaction {
  return {
    id: r.id,
    userId: r.user_id,
    type: r.type,
    status: r.status,
    amount: Number(r.amount),
    currency: r.currency,
    description: r.description,
    reference: r.reference,
    provider: r.provider,
    providerReference: r.provider_reference,
    paymentMethodId: r.payment_method_id,
    jobId: r.job_id,
    metadata: r.metadata,
    ledgerEntryId: r.ledger_entry_id,
    releaseAt: r.release_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
  };
}
