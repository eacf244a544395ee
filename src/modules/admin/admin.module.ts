import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { WalletModule } from '../wallet/wallet.module';
import { AdminRefundsService } from './admin-refunds.service';
import { AdminTransactionsController } from './admin-transactions.controller';
import { AdminTransactionsService } from './admin-transactions.service';

/** Admin operations that span modules (support and finance). ADMIN role only, actions audited. */
@Module({
  imports: [AuditModule, WalletModule],
  controllers: [AdminTransactionsController],
  providers: [AdminTransactionsService, AdminRefundsService],
})
export class AdminModule {}
