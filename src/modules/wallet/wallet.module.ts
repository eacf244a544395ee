import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LedgerModule } from '../ledger/ledger.module';
import { Transaction } from './transaction.entity';
import { TransactionsService } from './transactions.service';
import { WalletController } from './wallet.controller';
import { WalletService } from './wallet.service';

/** Wallet views and user-facing transactions. Depends on the ledger only (payments → wallet → ledger). */
@Module({
  imports: [TypeOrmModule.forFeature([Transaction]), LedgerModule],
  controllers: [WalletController],
  providers: [WalletService, TransactionsService],
  exports: [WalletService, TransactionsService, LedgerModule],
})
export class WalletModule {}
