import { Injectable } from '@nestjs/common';
import { AfterCommit, UnitOfWork } from 'src/common/database/unit-of-work';
import { RealtimePublisher } from '../realtime/realtime.publisher';
import { WalletService } from './wallet.service';

/**
 * The one place that pushes `wallet.updated`: every module that moves a user's money hands this to the
 * unit of work as an after-commit hook, so the figures sent are the committed ones.
 */
@Injectable()
export class WalletNotifier {
  constructor(
    private readonly wallet: WalletService,
    private readonly realtime: RealtimePublisher,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * An after-commit hook that starts the push without holding up the caller: the push re-reads the
   * wallet (a pool checkout and a round trip) and nothing the caller answers depends on it (a webhook
   * acknowledgement). A failure is still logged and counted as an after-commit failure.
   */
  publishLater(userId: string): AfterCommit {
    return () =>
      this.uow.afterCommittedInBackground('wallet.updated', [() => this.publish(userId)]);
  }

  async publish(userId: string): Promise<void> {
    const w = await this.wallet.getWallet(userId);
    this.realtime.publish(userId, 'wallet.updated', {
      balance: w.balance,
      reserved: w.reserved,
      available: w.available,
      pendingEarnings: w.pendingEarnings,
    });
  }
}
