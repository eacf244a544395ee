import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { TransactionsRepository } from './transactions.repository';
import { WalletController } from './wallet.controller';
import { WalletNotifier } from './wallet-notifier';
import { WalletService } from './wallet.service';

/** Wallet views and user-facing transactions. Depends on the ledger and realtime (payments → wallet → ledger; wallet → realtime). */
@Module({
  imports: [LedgerModule, RealtimeModule],
  controllers: [WalletController],
  providers: [WalletService, TransactionsRepository, WalletNotifier],
  exports: [WalletService, TransactionsRepository, WalletNotifier, LedgerModule],
})
export class WalletModule {}
