import { Injectable } from '@nestjs/common';
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
  ) {}

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
