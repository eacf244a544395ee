import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import type { TransactionResponse } from '../wallet/transaction.entity';
import type { AdminTransactionsQuery } from './admin-transactions.query';
import { CommonErrors } from '../../common/errors/common.errors';
import { WalletErrors } from '../wallet/wallet.errors';

export interface AdminTransaction extends TransactionResponse {
  userId: string;
  userEmail: string;
  ledgerEntryId: string | null;
  metadata: Record<string, unknown>;
}

interface Row {
  id: string;
  user_id: string;
  user_email: string;
  type: TransactionResponse['type'];
  status: TransactionResponse['status'];
  amount: string;
  currency: string;
  description: string | null;
  reference: string | null;
  provider: string | null;
  provider_reference: string | null;
  payment_method_id: string | null;
  job_id: string | null;
  ledger_entry_id: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
  completed_at: Date | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-only search over every user's transactions for support and finance. */
@Injectable()
export class AdminTransactionsService {
  constructor(private readonly ds: DataSource) {}

  async search(
    q: AdminTransactionsQuery,
  ): Promise<{ data: AdminTransaction[]; nextCursor: string | null }> {
    const limit = q.limit ?? 50;
    if (q.from && q.to && new Date(q.from) >= new Date(q.to))
      throw new AppError(CommonErrors.VALIDATION_FAILED, { message: '`from` must be before `to`' });
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
          `(t.reference = ${p} OR t.provider_reference = ${p}${UUID.test(q.reference ?? '') ? ` OR t.id = ${p}::uuid` : ''})`,
        q.reference,
      );
    if (q.cursor)
      add(
        (p) => `(t.created_at, t.id) < (SELECT created_at, id FROM transactions WHERE id = ${p})`,
        q.cursor,
      );
    params.push(limit + 1);
    const rows = await this.ds.query<Row[]>(
      `SELECT t.*, u.email AS user_email FROM transactions t JOIN users u ON u.id = t.user_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY t.created_at DESC, t.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      data: page.map(toAdminTransaction),
      nextCursor: rows.length > limit ? page[page.length - 1].id : null,
    };
  }

  async get(id: string): Promise<AdminTransaction> {
    const rows = UUID.test(id)
      ? await this.ds.query<Row[]>(
          `SELECT t.*, u.email AS user_email FROM transactions t JOIN users u ON u.id = t.user_id
           WHERE t.id = $1`,
          [id],
        )
      : [];
    if (!rows[0]) throw new AppError(WalletErrors.TRANSACTION_NOT_FOUND);
    return toAdminTransaction(rows[0]);
  }
}

function toAdminTransaction(r: Row): AdminTransaction {
  return {
    id: r.id,
    userId: r.user_id,
    userEmail: r.user_email,
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
    ledgerEntryId: r.ledger_entry_id,
    metadata: r.metadata,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at ? r.completed_at.toISOString() : null,
  };
}
