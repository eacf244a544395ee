import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { PaymentProviderRegistry } from '../payments/providers/payment-provider.token';
import { ProviderError } from '../payments/providers/provider-errors';
import { RealtimePublisher } from '../realtime/realtime.publisher';
import { ScheduledJobsService } from '../scheduling/scheduled-jobs.service';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { PaymentMethodsRepository } from './payment-methods.repository';

export const UNVERIFIED_TTL_SECONDS = 24 * 3600;
export const PURGE_JOB = 'verification-purge-unverified';

/** Unverified payment methods do not linger: removed after 24 h, their checkouts expired. */
@Injectable()
export class VerificationPurge implements OnModuleInit {
  private readonly log = new Logger('Verification');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: PaymentProviderRegistry,
    private readonly methods: PaymentMethodsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly jobs: ScheduledJobsService,
    private readonly realtime: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: PURGE_JOB,
      schedule: '17 * * * *',
      description: 'Remove unverified payment methods older than 24 h and expire their checkouts',
      handler: () => this.purgeUnverified(),
    });
  }

  /** Hourly: unverified methods older than 24 h are removed and their checkouts expired. */
  async purgeUnverified(): Promise<Record<string, number>> {
    const counts = { purged: 0, skipped: 0 };
    const stale = await this.methods.staleUnverified(UNVERIFIED_TTL_SECONDS, 500);
    for (const row of stale) {
      const txn = row.verification_transaction_id
        ? await this.transactions.findById(row.verification_transaction_id)
        : null;
      if (txn?.status === 'PENDING' && txn.providerReference && txn.provider) {
        try {
          await this.providers.byName(txn.provider).expireCheckout(txn.providerReference);
        } catch (err) {
          // Already paid/expired at the gateway, or the gateway is down: the webhook/reconciliation path
          // settles it; never delete a method whose payment may have gone through.
          if (!(err instanceof ProviderError) || err.kind !== 'rejected') {
            counts.skipped++;
            continue;
          }
          const st = await this.providers
            .byName(txn.provider)
            .getCheckoutStatus(txn.providerReference)
            .catch(() => null);
          if (!st || st.status === 'paid') {
            counts.skipped++;
            continue;
          }
        }
      }
      const removed = await this.uow.run('verification.purge', async (m) => {
        if (txn) {
          const locked = await this.transactions.lockById(txn.id, m);
          if (locked?.status === 'COMPLETED') return false;
          if (locked?.status === 'PENDING')
            await this.transactions.setStatus(locked.id, 'EXPIRED', m);
        }
        return this.methods.deleteUnverified(row.id, m);
      });
      if (removed) {
        counts.purged++;
        this.realtime.publish(row.user_id, 'payment-method.updated', {
          id: row.id,
          isVerified: false,
        });
      } else counts.skipped++;
    }
    if (counts.purged > 0) this.log.log(`purged ${counts.purged} unverified payment methods`);
    return counts;
  }
}
