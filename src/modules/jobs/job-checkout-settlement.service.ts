import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import {
  type AfterCommit,
  type HandlerContext,
  paidMetadata,
} from '../payments/settlement/settlement.types';
import type { Transaction } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { jobEntryId } from './job-accounts';
import type { JobCheckoutStep } from './job-checkouts.service';
import { JobEscrowService } from './job-escrow.service';
import { JobListCache } from './job-list.cache';
import { JobMilestonesService } from './job-milestones.service';
import { JobsRepository } from './jobs.repository';

/**
 * A job's gateway payment, paid: the paid webhook — or reconciliation — reaches `onPaid` through the
 * payments module's handler registry (no second webhook path) with the transaction row locked; the job
 * row is locked after it (lock order everywhere: transaction, then job), and escrow is funded from the
 * gateway clearing account exactly once.
 */
@Injectable()
export class JobCheckoutSettlement implements OnModuleInit {
  constructor(
    private readonly handlers: PaymentHandlerRegistry,
    private readonly transactions: TransactionsRepository,
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

  async onPaid(
    step: JobCheckoutStep,
    { txn, event, manager: m }: HandlerContext,
  ): Promise<AfterCommit[]> {
    const job = txn.jobId ? await this.jobs.lockById(txn.jobId, m) : null;
    const expected =
      step === 'downpayment'
        ? job?.status === 'AWAITING_DOWNPAYMENT' && job.downpaymentTransactionId === txn.id
        : job?.status === 'AWAITING_APPROVAL' && job.remainingTransactionId === txn.id;
    const metadata = paidMetadata(event);
    if (!job || !expected) return this.creditOrphan(txn, event.provider, metadata, m);
    const source = { kind: 'GATEWAY' as const, provider: event.provider };
    // The transaction row is completed (payment id included) before the money moves; a post that
    // cannot apply fails the whole transaction, so the order changes nothing but how long the gateway
    // clearing balance stays locked. (The remaining half's batch sits inside remainingPaid, which the
    // wallet route shares: the job row and its events are written after it there.)
    if (step === 'downpayment') {
      const ledgerEntryId = jobEntryId.downpayment(job.id);
      await this.transactions.complete(txn.id, { ledgerEntryId, metadata }, m);
      await this.milestones.downpaymentPaid(job, 'GCASH', null, m, txn.id);
      await this.escrow.fundDownpayment(job, source, m); // ledger last
    } else {
      const ledgerEntryId = jobEntryId.remaining(job.id);
      await this.transactions.complete(txn.id, { ledgerEntryId, metadata }, m);
      await this.milestones.remainingPaid(job, source, null, m);
    }
    return [
      () => this.listCache.invalidate(job.clientId, job.workerId),
      () => this.notifier.publish(job.workerId),
    ];
  }

  /**
   * Paid, but the job no longer waits for this payment (it cannot happen through our own routes, which
   * close or refuse in that case): the money is not lost — it is credited to the client's wallet.
   */
  private async creditOrphan(
    txn: Transaction,
    provider: string,
    metadata: Record<string, unknown> | undefined,
    m: EntityManager,
  ): Promise<AfterCommit[]> {
    await this.escrow.creditOrphanPayment(txn, provider, m, metadata);
    return [() => this.notifier.publish(txn.userId)];
  }
}
