import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../../common/errors/app-error';
import { gatewayToWallet } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { CheckoutService } from '../payments/checkouts/checkout.service';
import { PaymentProviderRegistry } from '../payments/providers/payment-provider.token';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import type { AfterCommit, HandlerContext } from '../payments/settlement/settlement.types';
import { UsersService } from '../users/users.service';
import type { Transaction } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { jobEntryId } from './job-accounts';
import { downpaymentTotal, JobEscrowService } from './job-escrow.service';
import { JobListCache } from './job-list.cache';
import { JobMilestonesService } from './job-milestones.service';
import type { Job } from './job.model';
import { JobsRepository } from './jobs.repository';

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
 * with `metadata.payment_type = downpayment | remaining`. The paid webhook — or reconciliation — reaches
 * `onPaid` through the payments module's handler registry (no second webhook path) with the transaction
 * row locked; the job row is locked after it (lock order everywhere: transaction, then job), and
 * escrow is funded from the gateway clearing account exactly once.
 */
@Injectable()
export class JobCheckoutsService implements OnModuleInit {
  private readonly logger = new Logger('JobCheckouts');

  constructor(
    private readonly ds: DataSource,
    private readonly checkout: CheckoutService,
    private readonly providers: PaymentProviderRegistry,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly transactions: TransactionsRepository,
    private readonly ledger: LedgerService,
    private readonly users: UsersService,
    private readonly jobs: JobsRepository,
    private readonly escrow: JobEscrowService,
    private readonly milestones: JobMilestonesService,
    private readonly listCache: JobListCache,
    private readonly notifier: WalletNotifier,
  ) {}

  onModuleInit(): void {
    this.handlers.registerCheckoutHandler('downpayment', {
      onPaid: (ctx) => this.onPaid('downpayment', ctx),
    });
    this.handlers.registerCheckoutHandler('remaining', {
      onPaid: (ctx) => this.onPaid('remaining', ctx),
    });
  }

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
      if (!checkout)
        throw AppError.conflict(
          'PAYMENT_IN_PROGRESS',
          'A checkout for this payment is being created; retry in a moment',
        );
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
    if (!client) throw AppError.unauthorized();
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

  private async onPaid(
    step: JobCheckoutStep,
    { txn, event, manager: m }: HandlerContext,
  ): Promise<AfterCommit[]> {
    const job = txn.jobId ? await this.jobs.lockById(txn.jobId, m) : null;
    const expected =
      step === 'downpayment'
        ? job?.status === 'AWAITING_DOWNPAYMENT' && job.downpaymentTransactionId === txn.id
        : job?.status === 'AWAITING_APPROVAL' && job.remainingTransactionId === txn.id;
    if (!job || !expected) return this.creditOrphan(txn, event.provider, m);
    const source = { kind: 'GATEWAY' as const, provider: event.provider };
    if (step === 'downpayment') {
      const { entryId } = await this.escrow.fundDownpayment(job, source, m);
      await this.transactions.complete(txn.id, { ledgerEntryId: entryId }, m);
      await this.milestones.downpaymentPaid(job, 'GCASH', null, m, txn.id);
    } else {
      await this.milestones.remainingPaid(job, source, null, m);
      await this.transactions.complete(txn.id, { ledgerEntryId: jobEntryId.remaining(job.id) }, m);
    }
    return [
      () => this.listCache.invalidate(job.clientId, job.workerId),
      () => this.notifier.publish(job.workerId),
    ];
  }

  /**
   * Paid, but the job no longer waits for this payment (it cannot happen through our own routes, which
   * close or refuse in that case): the money is not lost — it is credited to the client's wallet, shown
   * as a REFUND of the charge.
   */
  private async creditOrphan(
    txn: Transaction,
    provider: string,
    m: EntityManager,
  ): Promise<AfterCommit[]> {
    const entryId = `job-orphan:${txn.id}`;
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
    await this.transactions.complete(txn.id, { ledgerEntryId: entryId }, m);
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
    this.logger.warn(`Payment ${txn.id} for job ${txn.jobId ?? '?'} credited to the client wallet`);
    return [() => this.notifier.publish(txn.userId)];
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
