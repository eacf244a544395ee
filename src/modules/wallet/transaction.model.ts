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
