import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppError } from 'src/common/errors/app-error';
import { CheckoutService } from '../payments/checkouts/checkout.service';
import { PaymentProviderRegistry } from '../payments/providers/payment-provider.token';
import type { AfterCommit } from '../payments/settlement/settlement.types';
import { UsersService } from '../users/users.service';
import type { Transaction } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { downpaymentTotal } from './job-escrow.service';
import type { Job } from './job.model';
import { JobsRepository } from './jobs.repository';
import { CommonErrors } from 'src/common/errors/common.errors';
import { JobErrors } from './jobs.errors';

export type JobCheckoutStep = 'downpayment' | 'remaining';

const GCASH_ONLY = ['gcash'] as const;

export interface JobCheckout {
  checkoutUrl: string;
  checkoutId: string;
  provider: string;
  transactionId: string;
}

/**
 * GCASH payments of a job through the gateway (ADR 0046): a PENDING PAYMENT transaction and a checkout
 * with `metadata.payment_type = downpayment | remaining`. When it is paid, JobCheckoutSettlement funds
 * escrow.
 */
@Injectable()
export class JobCheckoutsService {
  private readonly logger = new Logger('JobCheckouts');

  constructor(
    private readonly checkout: CheckoutService,
    private readonly providers: PaymentProviderRegistry,
    private readonly transactions: TransactionsRepository,
    private readonly users: UsersService,
    private readonly jobs: JobsRepository,
  ) {}

  /**
   * Inside the job transaction (job row locked): the open checkout of this step if there is one,
   * else a new PENDING transaction linked to the job. The gateway is called after commit (`open`).
   */
  async prepare(
    job: Job,
    step: JobCheckoutStep,
    m: EntityManager,
  ): Promise<{ existing: JobCheckout | null; transaction: Transaction | null }> {
    const open = await this.openTransaction(job, step, m);
    if (open) {
      const checkout = checkoutOf(open);
      if (!checkout) throw new AppError(JobErrors.PAYMENT_IN_PROGRESS);
      return { existing: checkout, transaction: null };
    }
    const amount = step === 'downpayment' ? downpaymentTotal(job) : job.remainingAmount;
    const txn = await this.transactions.createPending(
      {
        userId: job.clientId,
        type: 'PAYMENT',
        amount,
        // Throws the 503 (rolling the job transaction back) when no gateway can take it.
        provider: this.checkout.gatewayFor(amount, GCASH_ONLY),
        jobId: job.id,
        reference: job.id,
        description:
          step === 'downpayment'
            ? `Downpayment (50%) + platform fee for job: ${job.title}`
            : `Remaining payment (50%) for job: ${job.title}`,
        metadata: { paymentType: step, jobId: job.id },
      },
      m,
    );
    await this.jobs.update(
      job.id,
      step === 'downpayment'
        ? { downpaymentTransactionId: txn.id }
        : { remainingTransactionId: txn.id },
      m,
    );
    return { existing: null, transaction: txn };
  }

  /** After commit: opens the gateway checkout of a prepared transaction (failover included). */
  async open(job: Job, step: JobCheckoutStep, txn: Transaction): Promise<JobCheckout> {
    const client = await this.users.findById(job.clientId);
    if (!client) throw new AppError(CommonErrors.UNAUTHORIZED);
    const opened = await this.checkout.open(txn, {
      purpose: step,
      methods: GCASH_ONLY,
      description: txn.description ?? `iAyos job ${step}`,
      customer: { name: client.name, email: client.email },
      metadata: { job_id: job.id },
      returnTo: { kind: `job-${step}`, id: job.id },
    });
    return {
      checkoutUrl: opened.checkoutUrl,
      checkoutId: opened.checkoutId,
      provider: opened.provider,
      transactionId: txn.id,
    };
  }

  /** The PENDING gateway transaction of this job step, if any. */
  async openTransaction(
    job: Job,
    step: JobCheckoutStep,
    m?: EntityManager,
  ): Promise<Transaction | null> {
    const id = step === 'downpayment' ? job.downpaymentTransactionId : job.remainingTransactionId;
    if (!id) return null;
    const txn = await this.transactions.findById(id, m);
    return txn && txn.status === 'PENDING' && txn.provider ? txn : null;
  }

  /**
   * Cancel: the open downpayment checkout is closed in the cancel's transaction (the caller has
   * locked it before the job row); the gateway is told after commit. A payment that still lands is
   * then FLAGGED by settlement for review, never applied to a cancelled job.
   */
  async closeForCancel(txn: Transaction, m: EntityManager): Promise<AfterCommit> {
    await this.transactions.setStatus(txn.id, 'CANCELLED', m);
    return async () => {
      if (!txn.provider || !txn.providerReference) return;
      try {
        await this.providers.byName(txn.provider).expireCheckout(txn.providerReference);
      } catch (err) {
        this.logger.warn(
          `Expiring checkout of ${txn.id} failed (reconciliation will retry): ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    };
  }
}

function checkoutOf(txn: Transaction): JobCheckout | null {
  const url = txn.metadata.checkoutUrl;
  if (!txn.provider || !txn.providerReference || typeof url !== 'string') return null;
  return {
    checkoutUrl: url,
    checkoutId: txn.providerReference,
    provider: txn.provider,
    transactionId: txn.id,
  };
}
