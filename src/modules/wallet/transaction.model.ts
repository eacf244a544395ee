export const TRANSACTION_TYPES = [
  'DEPOSIT',
  'WITHDRAWAL',
  'PAYMENT',
  'EARNING',
  'PENDING_EARNING',
  'REFUND',
  'FEE',
  'VERIFICATION_BONUS',
] as const;
export type TransactionType = (typeof TRANSACTION_TYPES)[number];

export const TRANSACTION_STATUSES = [
  'PENDING',
  'COMPLETED',
  'FAILED',
  'EXPIRED',
  'CANCELLED',
  'REVERSED',
] as const;
export type TransactionStatus = (typeof TRANSACTION_STATUSES)[number];

/**
 * A user-facing money movement; COMPLETED ones point at the ledger entry that moved the money. A plain
 * row (ADR 0115): only TransactionsRepository reads or writes the `transactions` table, with SQL.
 */
export interface Transaction {
  id: string;
  userId: string;
  type: TransactionType;
  status: TransactionStatus;
  amount: number;
  currency: string;
  description: string | null;
  reference: string | null;
  provider: string | null;
  providerReference: string | null;
  paymentMethodId: string | null;
  jobId: string | null;
  metadata: Record<string, unknown>;
  ledgerEntryId: string | null;
  /** For PENDING_EARNING: when the earning leaves the buffer. */
  releaseAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

/** A new PENDING row (TransactionsRepository.createPending). */
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

/** Reconciliation's view of a PENDING gateway checkout. */
export interface PendingCheckoutRow {
  id: string;
  provider: string;
  provider_reference: string | null;
  expired_by_age: boolean;
}

/** Refund reconciliation's view of a PENDING refund to the original method. */
export interface PendingRefundRow {
  id: string;
  provider: string;
  provider_reference: string | null;
  refund_of: string | null;
  give_up: boolean;
}

/** The user's list: page size, cursor, filters. */
export interface ListQuery {
  limit: number;
  cursor?: string;
  type?: TransactionType;
  status?: TransactionStatus;
}

/** The contract's `Transaction`. */
export interface TransactionResponse {
  id: string;
  type: TransactionType;
  status: TransactionStatus;
  amount: number;
  currency: string;
  description: string | null;
  reference: string | null;
  provider: string | null;
  providerReference: string | null;
  paymentMethodId: string | null;
  jobId: string | null;
  createdAt: string;
  completedAt: string | null;
}

export function toTransactionResponse(t: Transaction): TransactionResponse {
  return {
    id: t.id,
    type: t.type,
    status: t.status,
    amount: t.amount,
    currency: t.currency,
    description: t.description,
    reference: t.reference,
    provider: t.provider,
    providerReference: t.providerReference,
    paymentMethodId: t.paymentMethodId,
    jobId: t.jobId,
    createdAt: t.createdAt.toISOString(),
    completedAt: t.completedAt ? t.completedAt.toISOString() : null,
  };
}
