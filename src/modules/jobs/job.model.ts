import type { JobStatus } from './job-status';

export type JobPaymentMethod = 'WALLET' | 'GCASH';

/** A job as the service sees it: money in integer centavos. */
export interface Job {
  id: string;
  clientId: string;
  workerId: string;
  title: string;
  currency: 'PHP';
  budget: number;
  platformFeeBps: number;
  platformFee: number;
  downpaymentAmount: number;
  remainingAmount: number;
  paymentBufferDays: number;
  status: JobStatus;
  downpaymentMethod: JobPaymentMethod | null;
  downpaymentPaidAt: Date | null;
  workCompletedAt: Date | null;
  approvedAt: Date | null;
  remainingMethod: JobPaymentMethod | null;
  remainingPaidAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  earningsReleaseAt: Date | null;
  earningsReleasedAt: Date | null;
  earningsHeld: boolean;
  earningsHoldReason: string | null;
  downpaymentTransactionId: string | null;
  remainingTransactionId: string | null;
  earningTransactionId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A `jobs` row as pg returns it (bigint as string). */
export interface JobRow {
  id: string;
  client_id: string;
  worker_id: string;
  title: string;
  currency: 'PHP';
  budget: string;
  platform_fee_bps: number;
  platform_fee: string;
  downpayment_amount: string;
  remaining_amount: string;
  payment_buffer_days: number;
  status: JobStatus;
  downpayment_method: JobPaymentMethod | null;
  downpayment_paid_at: Date | null;
  work_completed_at: Date | null;
  approved_at: Date | null;
  remaining_method: JobPaymentMethod | null;
  remaining_paid_at: Date | null;
  completed_at: Date | null;
  cancelled_at: Date | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  earnings_release_at: Date | null;
  earnings_released_at: Date | null;
  earnings_held: boolean;
  earnings_hold_reason: string | null;
  downpayment_transaction_id: string | null;
  remaining_transaction_id: string | null;
  earning_transaction_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export function fromJobRow(r: JobRow): Job {
  return {
    id: r.id,
    clientId: r.client_id,
    workerId: r.worker_id,
    title: r.title,
    currency: 'PHP',
    budget: Number(r.budget),
    platformFeeBps: r.platform_fee_bps,
    platformFee: Number(r.platform_fee),
    downpaymentAmount: Number(r.downpayment_amount),
    remainingAmount: Number(r.remaining_amount),
    paymentBufferDays: r.payment_buffer_days,
    status: r.status,
    downpaymentMethod: r.downpayment_method,
    downpaymentPaidAt: r.downpayment_paid_at,
    workCompletedAt: r.work_completed_at,
    approvedAt: r.approved_at,
    remainingMethod: r.remaining_method,
    remainingPaidAt: r.remaining_paid_at,
    completedAt: r.completed_at,
    cancelledAt: r.cancelled_at,
    cancelledBy: r.cancelled_by,
    cancelReason: r.cancel_reason,
    earningsReleaseAt: r.earnings_release_at,
    earningsReleasedAt: r.earnings_released_at,
    earningsHeld: r.earnings_held,
    earningsHoldReason: r.earnings_hold_reason,
    downpaymentTransactionId: r.downpayment_transaction_id,
    remainingTransactionId: r.remaining_transaction_id,
    earningTransactionId: r.earning_transaction_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The contract's `Job`: money in centavos, timestamps ISO-8601 UTC. */
export interface JobResponse {
  id: string;
  title: string;
  status: JobStatus;
  clientId: string;
  workerId: string;
  currency: 'PHP';
  budget: number;
  platformFee: number;
  platformFeeBps: number;
  downpaymentAmount: number;
  remainingAmount: number;
  paymentBufferDays: number;
  downpaymentMethod: JobPaymentMethod | null;
  downpaymentPaidAt: string | null;
  workCompletedAt: string | null;
  approvedAt: string | null;
  remainingMethod: JobPaymentMethod | null;
  remainingPaidAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  earningsReleaseAt: string | null;
  earningsReleasedAt: string | null;
  earningsHeld: boolean;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toJobResponse(j: Job): JobResponse {
  return {
    id: j.id,
    title: j.title,
    status: j.status,
    clientId: j.clientId,
    workerId: j.workerId,
    currency: 'PHP',
    budget: j.budget,
    platformFee: j.platformFee,
    platformFeeBps: j.platformFeeBps,
    downpaymentAmount: j.downpaymentAmount,
    remainingAmount: j.remainingAmount,
    paymentBufferDays: j.paymentBufferDays,
    downpaymentMethod: j.downpaymentMethod,
    downpaymentPaidAt: iso(j.downpaymentPaidAt),
    workCompletedAt: iso(j.workCompletedAt),
    approvedAt: iso(j.approvedAt),
    remainingMethod: j.remainingMethod,
    remainingPaidAt: iso(j.remainingPaidAt),
    completedAt: iso(j.completedAt),
    cancelledAt: iso(j.cancelledAt),
    cancelReason: j.cancelReason,
    earningsReleaseAt: iso(j.earningsReleaseAt),
    earningsReleasedAt: iso(j.earningsReleasedAt),
    earningsHeld: j.earningsHeld,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
  };
}
