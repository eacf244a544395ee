import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { clearingAccount, gatewayToWallet } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import type { CreatePendingInput, Transaction } from '../wallet/transaction.model';
import type { LedgerLeg, PostInput, PostResult } from '../ledger/ledger.types';
import { TransactionsRepository } from '../wallet/transactions.repository';
import {
  availableAccount,
  escrowAccount,
  jobEntryId,
  pendingAccount,
  PLATFORM_FEES,
} from './job-accounts';
import type { Job } from './job.model';
import { JobErrors } from './jobs.errors';
import { LedgerErrors } from '../ledger/ledger.errors';

/** Where a client payment comes from: their wallet, or a gateway checkout (clearing account). */
export type PaymentSource = { kind: 'WALLET' } | { kind: 'GATEWAY'; provider: string };

export const downpaymentTotal = (job: Job) => job.downpaymentAmount + job.platformFee;

/**
 * Every money movement of a job, one balanced ledger entry per step with an entry id fixed by the job
 * and the step (ADR 0044), always inside the caller's transaction that already holds the job row lock.
 * A transaction that needs two entries posts them as one batch, so the ledger locks every balance of
 * both in one fixed order (no lock-order deadlocks with other money paths). User-facing
 * `transactions` rows are written in the same transaction.
 */
@Injectable()
export class JobEscrowService {
  private readonly logger = new Logger('JobEscrow');

  constructor(
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsRepository,
  ) {}

  /**
   * Downpayment + fee into escrow. WALLET: 409 INSUFFICIENT_FUNDS moves nothing, and the client's
   * PAYMENT (+ FEE) transactions are written; returns the PAYMENT id. GATEWAY: the caller completes
   * its checkout transaction with the returned entry id.
   */
  async fundDownpayment(
    job: Job,
    source: PaymentSource,
    m: EntityManager,
  ): Promise<{ entryId: string; paymentTransactionId: string | null }> {
    const entry = this.downpaymentEntry(job, source);
    const entryId = entry.entryId;
    this.check(await this.ledger.post(entry, m));
    if (source.kind !== 'WALLET') return { entryId, paymentTransactionId: null };
    // The payment and the fee rows in one statement.
    const rows = await this.transactions.createCompleted(this.downpaymentRows(job), entryId, m);
    const payment = rows.find((r) => r.type === 'PAYMENT');
    if (!payment) throw new Error(`downpayment row of job ${job.id} was not written`);
    return { entryId, paymentTransactionId: payment.id };
  }

  /** The downpayment's ledger entry: downpayment + fee from the source into the job's escrow. */
  downpaymentEntry(job: Job, source: PaymentSource): PostInput {
    const amount = downpaymentTotal(job);
    return {
      entryId: jobEntryId.downpayment(job.id),
      type: 'ESCROW',
      reference: job.id,
      metadata: { jobId: job.id, step: 'downpayment', source: sourceName(source) },
      legs: [debitSource(job, source, amount), credit(escrowAccount(job.id), amount)],
    };
  }

  /** The client's COMPLETED rows of a wallet downpayment: the PAYMENT and, if any, the FEE. */
  downpaymentRows(job: Job): CreatePendingInput[] {
    return [
      this.clientRow(job, 'PAYMENT', job.downpaymentAmount, { what: 'Downpayment (50%)' }),
      ...(job.platformFee > 0
        ? [this.clientRow(job, 'FEE', job.platformFee, { what: 'Platform fee' })]
        : []),
    ];
  }

  /** The ledger's refusal of a job payment as the error the client gets (see `check`). */
  refusal(reason: string | null): AppError {
    if (reason === 'INSUFFICIENT_FUNDS')
      return new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
        message: 'Not enough available balance for this payment',
      });
    return new AppError(JobErrors.PAYMENT_REJECTED);
  }

  /**
   * The remaining half into escrow and, in the same batch, the settlement of the whole escrow: budget
   * to the worker's pending earnings, fee to platform revenue. Writes the worker's PENDING_EARNING
   * (released later) and, for WALLET, the client's PAYMENT.
   */
  async fundRemainingAndSettle(
    job: Job,
    source: PaymentSource,
    releaseAt: Date,
    m: EntityManager,
  ): Promise<{ remainingEntryId: string; earningTransactionId: string }> {
    const remainingEntryId = jobEntryId.remaining(job.id);
    const settleEntryId = jobEntryId.settle(job.id);
    const results = await this.ledger.postBatch(
      [
        {
          entryId: remainingEntryId,
          type: 'ESCROW',
          reference: job.id,
          metadata: { jobId: job.id, step: 'remaining', source: sourceName(source) },
          legs: [
            debitSource(job, source, job.remainingAmount),
            credit(escrowAccount(job.id), job.remainingAmount),
          ],
        },
        {
          entryId: settleEntryId,
          type: 'RELEASE',
          reference: job.id,
          metadata: { jobId: job.id, step: 'settle', releaseAt: releaseAt.toISOString() },
          legs: [
            debit(escrowAccount(job.id), job.budget + job.platformFee),
            credit(pendingAccount(job.workerId), job.budget),
            ...(job.platformFee > 0 ? [credit(PLATFORM_FEES, job.platformFee)] : []),
          ],
        },
      ],
      m,
    );
    results.forEach((r) => this.check(r));
    if (source.kind === 'WALLET')
      await this.completedTxn(job, 'PAYMENT', job.remainingAmount, remainingEntryId, m, {
        what: 'Remaining payment (50%)',
      });
    const earning = await this.transactions.createPending(
      {
        userId: job.workerId,
        type: 'PENDING_EARNING',
        amount: job.budget,
        jobId: job.id,
        reference: job.id,
        description: `Earnings for job: ${job.title}`,
        releaseAt,
        metadata: { settleEntryId },
      },
      m,
    );
    return { remainingEntryId, earningTransactionId: earning.id };
  }

  /** Cancel before completion: escrowed downpayment → client, fee → platform revenue. */
  async refundDownpayment(job: Job, m: EntityManager): Promise<void> {
    const entryId = jobEntryId.refund(job.id);
    this.check(
      await this.ledger.post(
        {
          entryId,
          type: 'REFUND',
          reference: job.id,
          metadata: { jobId: job.id, step: 'cancel' },
          legs: [
            debit(escrowAccount(job.id), downpaymentTotal(job)),
            credit(availableAccount(job.clientId), job.downpaymentAmount),
            ...(job.platformFee > 0 ? [credit(PLATFORM_FEES, job.platformFee)] : []),
          ],
        },
        m,
      ),
    );
    await this.completedTxn(job, 'REFUND', job.downpaymentAmount, entryId, m, {
      what: 'Downpayment refund (job cancelled)',
      // Counted against the downpayment, so admin refunds can never return it a second time.
      metadata: job.downpaymentTransactionId ? { refundOf: job.downpaymentTransactionId } : {},
    });
  }

  /** Pending earnings → the worker's available balance; completes the PENDING_EARNING. */
  async release(job: Job, m: EntityManager): Promise<void> {
    const entryId = jobEntryId.release(job.id);
    this.check(
      await this.ledger.post(
        {
          entryId,
          type: 'RELEASE',
          reference: job.id,
          metadata: { jobId: job.id, step: 'release' },
          legs: [
            debit(pendingAccount(job.workerId), job.budget),
            credit(availableAccount(job.workerId), job.budget),
          ],
        },
        m,
      ),
    );
    if (job.earningTransactionId)
      await this.transactions.complete(job.earningTransactionId, { ledgerEntryId: entryId }, m);
  }

  private check(r: PostResult): void {
    if (r.status === 'APPLIED') return;
    if (r.status === 'REJECTED') throw this.refusal(r.reason ?? null);
    // DUPLICATE while the locked job row says this step has not happened: the two disagree.
    this.logger.error(`Ledger entry ${r.entryId} already applied but the job state disagrees`);
    throw new Error(`Ledger entry ${r.entryId} already applied`);
  }

  private async completedTxn(
    job: Job,
    type: 'PAYMENT' | 'FEE' | 'REFUND',
    amount: number,
    entryId: string,
    m: EntityManager,
    opts: { what: string; metadata?: Record<string, unknown> },
  ): Promise<string> {
    const [t] = await this.transactions.createCompleted(
      [this.clientRow(job, type, amount, opts)],
      entryId,
      m,
    );
    return t.id;
  }

  /** A row of the client's history for this job. */
  private clientRow(
    job: Job,
    type: 'PAYMENT' | 'FEE' | 'REFUND',
    amount: number,
    opts: { what: string; metadata?: Record<string, unknown> },
  ): CreatePendingInput {
    return {
      userId: job.clientId,
      type,
      amount,
      jobId: job.id,
      reference: job.id,
      description: `${opts.what} for job: ${job.title}`,
      metadata: opts.metadata,
    };
  }

  /**
   * Paid, but the job no longer waits for this payment (it cannot happen through our own routes, which
   * close or refuse in that case): the money is not lost — it is credited to the client's wallet, shown
   * as a REFUND of the charge.
   */
  async creditOrphanPayment(
    txn: Transaction,
    provider: string,
    m: EntityManager,
    metadata?: Record<string, unknown>,
  ): Promise<void> {
    const entryId = `job-orphan:${txn.id}`;
    await this.transactions.complete(txn.id, { ledgerEntryId: entryId, metadata }, m);
    const refund = await this.transactions.createPending(
      {
        userId: txn.userId,
        type: 'REFUND',
        amount: txn.amount,
        jobId: txn.jobId ?? undefined,
        reference: txn.id,
        description: 'Job payment returned to wallet (job no longer awaiting it)',
        metadata: { refundOf: txn.id },
      },
      m,
    );
    await this.transactions.complete(refund.id, { ledgerEntryId: entryId }, m);
    // Ledger last: the gateway clearing balance is locked from here to the commit only.
    await this.ledger.postOrThrow(
      {
        entryId,
        type: 'REFUND',
        reference: txn.id,
        metadata: { jobId: txn.jobId, reason: 'job no longer awaiting this payment' },
        legs: gatewayToWallet(provider, txn.userId, txn.amount),
      },
      m,
    );
    this.logger.warn(`Payment ${txn.id} for job ${txn.jobId ?? '?'} credited to the client wallet`);
  }
}

const debit = (account: string, amount: number): LedgerLeg => ({
  account,
  direction: 'DEBIT',
  amount,
});
const credit = (account: string, amount: number): LedgerLeg => ({
  account,
  direction: 'CREDIT',
  amount,
});

function debitSource(job: Job, source: PaymentSource, amount: number): LedgerLeg {
  return source.kind === 'WALLET'
    ? debit(availableAccount(job.clientId), amount)
    : debit(clearingAccount(source.provider), amount);
}

function sourceName(source: PaymentSource): string {
  return source.kind === 'WALLET' ? 'WALLET' : `GATEWAY:${source.provider}`;
}
