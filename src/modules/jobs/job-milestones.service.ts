import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { downpaymentTotal, JobEscrowService, PaymentSource } from './job-escrow.service';
import type { Job, JobPaymentMethod } from './job.model';
import { JobPatch, JobsRepository } from './jobs.repository';
import type { NewJobEvent } from './job-events';

const DAY_MS = 86_400_000;

/** What a paid downpayment changes on the job (the PAYMENT row's id is added by the caller). */
export interface DownpaymentPaidChange {
  patch: Required<Pick<JobPatch, 'status' | 'downpaymentMethod' | 'downpaymentPaidAt'>>;
  event: Omit<NewJobEvent, 'jobId'> & { amount: number; detail: Record<string, unknown> };
}

export function downpaymentPaidChange(
  job: Job,
  method: JobPaymentMethod,
  actorId: string | null,
): DownpaymentPaidChange {
  return {
    patch: { status: 'IN_PROGRESS', downpaymentMethod: method, downpaymentPaidAt: new Date() },
    event: {
      type: 'DOWNPAYMENT_PAID',
      amount: downpaymentTotal(job),
      actorId,
      detail: { method, downpaymentAmount: job.downpaymentAmount, platformFee: job.platformFee },
    },
  };
}

/**
 * The state changes that follow a confirmed payment, shared by the wallet path (in the request) and the
 * gateway path (in the webhook). The caller holds the job row lock and has moved the money into escrow.
 */
@Injectable()
export class JobMilestonesService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly escrow: JobEscrowService,
  ) {}

  /** AWAITING_DOWNPAYMENT → IN_PROGRESS once escrow holds downpayment + fee (wallet or webhook). */
  async downpaymentPaid(
    job: Job,
    method: JobPaymentMethod,
    actorId: string | null,
    m: EntityManager,
    paymentTransactionId: string | null,
  ): Promise<Job> {
    const change = downpaymentPaidChange(job, method, actorId);
    return this.jobs.updateWithEvent(
      job.id,
      { ...change.patch, downpaymentTransactionId: paymentTransactionId ?? undefined },
      change.event,
      m,
    );
  }

  /**
   * Moves the remaining half into escrow and settles it (one ledger batch) → COMPLETED: budget to the
   * worker's pending earnings (released after the job's buffer days), fee to platform revenue.
   */
  async remainingPaid(
    job: Job,
    source: PaymentSource,
    actorId: string | null,
    m: EntityManager,
  ): Promise<Job> {
    const method: JobPaymentMethod = source.kind === 'WALLET' ? 'WALLET' : 'GCASH';
    const now = new Date();
    const releaseAt = new Date(now.getTime() + job.paymentBufferDays * DAY_MS);
    await this.jobs.addEvent(
      {
        jobId: job.id,
        type: 'REMAINING_PAID',
        amount: job.remainingAmount,
        actorId,
        detail: { method },
      },
      m,
    );
    const { earningTransactionId } = await this.escrow.fundRemainingAndSettle(
      job,
      source,
      releaseAt,
      m,
    );
    const updated = await this.jobs.update(
      job.id,
      {
        status: 'COMPLETED',
        remainingMethod: method,
        remainingPaidAt: now,
        completedAt: now,
        earningsReleaseAt: releaseAt,
        earningTransactionId,
      },
      m,
    );
    await this.jobs.addEvent(
      {
        jobId: job.id,
        type: 'EARNINGS_PENDING',
        amount: job.budget,
        detail: { releaseAt: releaseAt.toISOString(), platformFee: job.platformFee },
      },
      m,
    );
    return updated;
  }
}
