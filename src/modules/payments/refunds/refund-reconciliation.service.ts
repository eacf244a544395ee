import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ScheduledJobsService } from 'src/modules/scheduling/scheduled-jobs.service';
import { PendingRefundRow, TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { isPaymentProviderName, RefundResult } from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { WebhookProcessor } from '../webhooks/webhook-processor.service';
import { GatewayRefundsService } from './gateway-refunds.service';

export const REFUND_RECONCILE_JOB = 'payments-refunds-reconcile';
/** Leave fresh refunds to their webhooks for this long before polling. */
export const REFUND_RECONCILE_MIN_AGE_SECONDS = 180;
/** A refund the gateway still does not know this long after we (maybe) sent it never reached it. */
export const REFUND_GIVE_UP_SECONDS = 3600;

/**
 * Every 5 minutes (once across instances): asks the gateway about PENDING refunds to the original
 * method. Known ids are polled; refunds without one (unknown outcome of the create, or a crash before
 * it) are looked up by our reference — never created again. Findings go through the webhook path, so a
 * lost webhook settles exactly like a delivered one.
 */
@Injectable()
export class RefundReconciliationService implements OnModuleInit {
  private readonly log = new Logger('RefundReconciliation');

  constructor(
    private readonly jobs: ScheduledJobsService,
    private readonly providers: PaymentProviderRegistry,
    private readonly processor: WebhookProcessor,
    private readonly transactions: TransactionsRepository,
    private readonly refunds: GatewayRefundsService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: REFUND_RECONCILE_JOB,
      schedule: '*/5 * * * *',
      description: 'Poll gateways for pending refunds to the original payment method',
      handler: () => this.run(),
    });
  }

  async run(
    minAgeSeconds = REFUND_RECONCILE_MIN_AGE_SECONDS,
  ): Promise<Record<'checked' | 'settled' | 'stillPending' | 'gaveUp' | 'errors', number>> {
    const counts = { checked: 0, settled: 0, stillPending: 0, gaveUp: 0, errors: 0 };
    const rows = await this.transactions.pendingRefundsToOriginal(
      minAgeSeconds,
      REFUND_GIVE_UP_SECONDS,
      200,
    );
    for (const row of rows) {
      counts.checked++;
      try {
        counts[await this.reconcileOne(row)]++;
      } catch (err) {
        counts.errors++;
        this.log.warn(
          `reconcile refund ${row.id}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return counts;
  }

  private async reconcileOne(
    row: PendingRefundRow,
  ): Promise<'settled' | 'stillPending' | 'gaveUp'> {
    if (!isPaymentProviderName(row.provider)) return 'stillPending';
    const provider = this.providers.get(row.provider);
    let found: RefundResult | null;
    if (row.provider_reference) found = await provider.getRefund(row.provider_reference);
    else {
      const original = row.refund_of ? await this.transactions.findById(row.refund_of) : null;
      if (!original?.providerReference) return 'stillPending';
      found = await provider.findRefund({
        reference: row.id,
        checkoutId: original.providerReference,
        paymentId:
          typeof original.metadata.paymentId === 'string' ? original.metadata.paymentId : null,
      });
      if (!found) {
        if (!row.give_up) return 'stillPending';
        await this.refunds.giveUp(row.id);
        return 'gaveUp';
      }
      // Record the id we never got, so webhooks and later polls can find the refund.
      await this.refunds.applyResult(row.id, { ...found, status: 'pending' });
    }
    if (found.status === 'pending') return 'stillPending';
    await this.processor.applyFinding(
      {
        provider: row.provider,
        eventId: `reconcile:${row.id}:${found.status}`,
        type: found.status === 'succeeded' ? 'refund_succeeded' : 'refund_failed',
        checkoutId: null,
        payoutId: null,
        refundIds: [found.refundId],
        paymentIntentId: null,
        paymentId: null,
        transactionHint: row.id,
        amount: found.amount,
        currency: 'PHP',
      },
      'gateway refund poll by reconciliation',
    );
    return 'settled';
  }
}
