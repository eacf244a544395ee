import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { Transaction } from './transaction.entity';
import { TransactionsService } from './transactions.service';
import { WalletController } from './wallet.controller';
import { WalletNotifier } from './wallet-notifier';
import { WalletService } from './wallet.service';

/** Wallet views and user-facing transactions. Depends on the ledger and realtime (payments → wallet → ledger; wallet → realtime). */
@Module({
  imports: [TypeOrmModule.forFeature([Transaction]), LedgerModule, RealtimeModule],
  controllers: [WalletController],
  providers: [WalletService, TransactionsService, WalletNotifier],
  exports: [WalletService, TransactionsService, WalletNotifier, LedgerModule],
})
export class WalletModule {}
