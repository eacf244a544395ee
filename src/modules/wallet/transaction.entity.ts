import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintToNumber } from '../../database/bigint.transformer';

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

/** A user-facing money movement; COMPLETED ones point at the ledger entry that moved the money. */
@Entity({ name: 'transactions' })
export class Transaction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @Column({ type: 'text' })
  type: TransactionType;

  @Column({ type: 'text' })
  status: TransactionStatus;

  @Column({ type: 'bigint', transformer: bigintToNumber })
  amount: number;

  @Column({ type: 'text' })
  currency: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', nullable: true })
  reference: string | null;

  @Column({ type: 'text', nullable: true })
  provider: string | null;

  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference: string | null;

  @Column({ name: 'payment_method_id', type: 'uuid', nullable: true })
  paymentMethodId: string | null;

  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId: string | null;

  @Column({ type: 'jsonb' })
  metadata: Record<string, unknown>;

  @Column({ name: 'ledger_entry_id', type: 'text', nullable: true })
  ledgerEntryId: string | null;

  /** For PENDING_EARNING: when the earning leaves the buffer. */
  @Column({ name: 'release_at', type: 'timestamptz', nullable: true })
  releaseAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
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
