import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScheduledJobsService } from 'src/modules/scheduling/scheduled-jobs.service';
import { PendingCheckoutRow, TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { isPaymentProviderName } from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { ProviderError } from '../providers/provider-errors';
import { WebhookProcessor } from '../webhooks/webhook-processor.service';

export const RECONCILE_JOB = 'payments-reconcile';
/** Leave fresh checkouts to their webhooks for this long before polling. */
export const RECONCILE_MIN_AGE_SECONDS = 180;
/** Checkouts unpaid for this long are expired at the gateway and locally. */
export const CHECKOUT_LIFETIME_SECONDS = 24 * 3600;
const BATCH = 200;

/**
 * Every 5 minutes (once across instances): polls the gateway for PENDING checkout-backed transactions
 * older than a few minutes and applies what it finds through the same path as a webhook, so a lost
 * webhook still settles exactly once; expires checkouts left unpaid beyond their lifetime.
 */
@Injectable()
export class ReconciliationService implements OnModuleInit {
  private readonly log = new Logger('Reconciliation');

  constructor(
    private readonly jobs: ScheduledJobsService,
    private readonly providers: PaymentProviderRegistry,
    private readonly processor: WebhookProcessor,
    private readonly transactions: TransactionsRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: RECONCILE_JOB,
      schedule: '*/5 * * * *',
      description: 'Poll gateways for pending deposits/verifications; expire abandoned checkouts',
      handler: () => this.run(),
    });
  }

  async run(): Promise<Record<string, number>> {
    const counts = { checked: 0, settled: 0, expired: 0, stillPending: 0, errors: 0 };
    const rows = await this.transactions.pendingCheckouts(
      RECONCILE_MIN_AGE_SECONDS,
      CHECKOUT_LIFETIME_SECONDS,
      BATCH,
    );
    for (const row of rows) {
      counts.checked++;
      try {
        const r = await this.reconcileOne(row);
        counts[r]++;
      } catch (err) {
        counts.errors++;
        this.log.warn(`reconcile ${row.id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return counts;
  }

  private async reconcileOne(
    row: PendingCheckoutRow,
  ): Promise<'settled' | 'expired' | 'stillPending'> {
    if (!isPaymentProviderName(row.provider)) return 'stillPending';
    if (!row.provider_reference) {
      // An ambiguous create never got a checkout id; nothing can have been paid through us.
      if (!row.expired_by_age) return 'stillPending';
      await this.transactions.setStatus(row.id, 'EXPIRED');
      return 'expired';
    }
    const provider = this.providers.get(row.provider);
    let status = await provider.getCheckoutStatus(row.provider_reference);
    // A failed attempt leaves the checkout payable: only payment or expiry ends it.
    if (status.status === 'failed') status = { ...status, status: 'pending' };
    if (status.status === 'pending' && row.expired_by_age) {
      try {
        await provider.expireCheckout(row.provider_reference);
      } catch (err) {
        if (!(err instanceof ProviderError) || err.kind !== 'rejected') throw err;
      }
      // Re-read: it may have been paid a moment before the expiry.
      status = await provider.getCheckoutStatus(row.provider_reference);
      if (status.status === 'pending' || status.status === 'failed')
        status = { ...status, status: 'expired' };
    }
    if (status.status === 'pending') return 'stillPending';
    await this.processor.applyFinding(
      {
        provider: row.provider,
        eventId: `reconcile:${row.id}:${status.status}`,
        type: status.status,
        checkoutId: row.provider_reference,
        payoutId: null,
        paymentIntentId: null,
        paymentId: status.paymentId,
        transactionHint: row.id,
        amount: status.amount,
        currency: status.currency,
      },
      'gateway poll by reconciliation',
    );
    return status.status === 'paid' ? 'settled' : 'expired';
  }
}
