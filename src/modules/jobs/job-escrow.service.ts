import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { LedgerService } from '../ledger/ledger.service';
import type { PostInput } from '../ledger/ledger.types';
import { TransactionsService } from '../wallet/transactions.service';
import {
  availableAccount,
  escrowAccount,
  jobEntryId,
  pendingAccount,
  PLATFORM_FEES,
} from './job-accounts';
import type { Job } from './job.model';

/**
 * Every money movement of a job, one balanced ledger entry each, always inside the caller's
 * transaction that already holds the job row lock (so the status check and the movement are atomic).
 * Entry ids are fixed per job step: the ledger cannot apply a step twice. The user-facing
 * `transactions` rows are written in the same transaction.
 */
@Injectable()
export class JobEscrowService {
  private readonly logger = new Logger('JobEscrow');

  constructor(
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsService,
  ) {}

  /**
   * Downpayment + fee: client available → escrow. 409 INSUFFICIENT_FUNDS moves nothing. Returns the
   * client's PAYMENT transaction (what a cancel refund or an admin refund is counted against).
   */
  async fundDownpaymentFromWallet(job: Job, m: EntityManager): Promise<string> {
    const entryId = jobEntryId.downpayment(job.id);
    await this.apply(
      {
        entryId,
        type: 'ESCROW',
        reference: job.id,
        metadata: { jobId: job.id, step: 'downpayment', method: 'WALLET' },
        legs: [
          {
            account: availableAccount(job.clientId),
            direction: 'DEBIT',
            amount: downpaymentTotal(job),
          },
          { account: escrowAccount(job.id), direction: 'CREDIT', amount: downpaymentTotal(job) },
        ],
      },
      m,
    );
    const payment = await this.completedTxn(
      job.clientId,
      'PAYMENT',
      job.downpaymentAmount,
      job,
      entryId,
      'Downpayment (50%)',
      m,
    );
    if (job.platformFee > 0)
      await this.completedTxn(
        job.clientId,
        'FEE',
        job.platformFee,
        job,
        entryId,
        'Platform fee',
        m,
      );
    return payment;
  }

  /** Remaining half: client available → escrow. 409 INSUFFICIENT_FUNDS moves nothing. */
  async fundRemainingFromWallet(job: Job, m: EntityManager): Promise<void> {
    const entryId = jobEntryId.remaining(job.id);
    await this.apply(
      {
        entryId,
        type: 'ESCROW',
        reference: job.id,
        metadata: { jobId: job.id, step: 'remaining', method: 'WALLET' },
        legs: [
          {
            account: availableAccount(job.clientId),
            direction: 'DEBIT',
            amount: job.remainingAmount,
          },
          { account: escrowAccount(job.id), direction: 'CREDIT', amount: job.remainingAmount },
        ],
      },
      m,
    );
    await this.completedTxn(
      job.clientId,
      'PAYMENT',
      job.remainingAmount,
      job,
      entryId,
      'Remaining payment (50%)',
      m,
    );
  }

  /**
   * Full payment reached: escrow (budget + fee) → worker's pending earnings (budget) and platform
   * revenue (fee). Returns the worker's PENDING_EARNING transaction id (completed at release).
   */
  async settle(job: Job, releaseAt: Date, m: EntityManager): Promise<string> {
    const entryId = jobEntryId.settle(job.id);
    await this.apply(
      {
        entryId,
        type: 'RELEASE',
        reference: job.id,
        metadata: { jobId: job.id, step: 'settle', releaseAt: releaseAt.toISOString() },
        legs: [
          {
            account: escrowAccount(job.id),
            direction: 'DEBIT',
            amount: job.budget + job.platformFee,
          },
          { account: pendingAccount(job.workerId), direction: 'CREDIT', amount: job.budget },
          ...(job.platformFee > 0
            ? [{ account: PLATFORM_FEES, direction: 'CREDIT' as const, amount: job.platformFee }]
            : []),
        ],
      },
      m,
    );
    const earning = await this.transactions.createPending(
      {
        userId: job.workerId,
        type: 'PENDING_EARNING',
        amount: job.budget,
        jobId: job.id,
        reference: job.id,
        description: `Earnings for job: ${job.title} (pending until ${releaseAt.toISOString()})`,
        releaseAt,
        metadata: { settleEntryId: entryId },
      },
      m,
    );
    return earning.id;
  }

  /** Cancel before completion: escrowed downpayment → client, fee → platform revenue. */
  async refundDownpayment(job: Job, m: EntityManager): Promise<void> {
    const entryId = jobEntryId.refund(job.id);
    await this.apply(
      {
        entryId,
        type: 'REFUND',
        reference: job.id,
        metadata: { jobId: job.id, step: 'cancel' },
        legs: [
          { account: escrowAccount(job.id), direction: 'DEBIT', amount: downpaymentTotal(job) },
          {
            account: availableAccount(job.clientId),
            direction: 'CREDIT',
            amount: job.downpaymentAmount,
          },
          ...(job.platformFee > 0
            ? [{ account: PLATFORM_FEES, direction: 'CREDIT' as const, amount: job.platformFee }]
            : []),
        ],
      },
      m,
    );
    await this.completedTxn(
      job.clientId,
      'REFUND',
      job.downpaymentAmount,
      job,
      entryId,
      'Downpayment refund (job cancelled)',
      m,
      // Counted against the downpayment, so admin refunds can never return it a second time.
      job.downpaymentTransactionId ? { refundOf: job.downpaymentTransactionId } : undefined,
    );
  }

  /** Pending earnings → the worker's available balance. */
  async release(job: Job, earningTransactionId: string | null, m: EntityManager): Promise<void> {
    const entryId = jobEntryId.release(job.id);
    await this.apply(
      {
        entryId,
        type: 'RELEASE',
        reference: job.id,
        metadata: { jobId: job.id, step: 'release' },
        legs: [
          { account: pendingAccount(job.workerId), direction: 'DEBIT', amount: job.budget },
          { account: availableAccount(job.workerId), direction: 'CREDIT', amount: job.budget },
        ],
      },
      m,
    );
    if (earningTransactionId)
      await this.transactions.complete(earningTransactionId, { ledgerEntryId: entryId }, m);
  }

  private async apply(input: PostInput, m: EntityManager): Promise<void> {
    const r = await this.ledger.post(input, m);
    if (r.status === 'APPLIED') return;
    if (r.status === 'REJECTED') {
      if (r.reason === 'INSUFFICIENT_FUNDS')
        throw AppError.conflict(
          'INSUFFICIENT_FUNDS',
          'Not enough available balance for this payment',
        );
      throw AppError.conflict('PAYMENT_REJECTED', 'The payment could not be applied');
    }
    // DUPLICATE while the locked job row says this step has not happened: the two disagree.
    this.logger.error(`Ledger entry ${input.entryId} already applied but job state disagrees`);
    throw new Error(`Ledger entry ${input.entryId} already applied`);
  }

  private async completedTxn(
    userId: string,
    type: 'PAYMENT' | 'FEE' | 'REFUND',
    amount: number,
    job: Job,
    entryId: string,
    what: string,
    m: EntityManager,
    metadata?: Record<string, unknown>,
  ): Promise<string> {
    const t = await this.transactions.createPending(
      {
        userId,
        type,
        amount,
        jobId: job.id,
        reference: job.id,
        description: `${what} for job: ${job.title}`,
        metadata,
      },
      m,
    );
    await this.transactions.complete(t.id, { ledgerEntryId: entryId }, m);
    return t.id;
  }
}

export const downpaymentTotal = (job: Job) => job.downpaymentAmount + job.platformFee;
