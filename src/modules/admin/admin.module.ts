import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PaymentsModule } from '../payments/payments.module';
import { WalletModule } from '../wallet/wallet.module';
import { AdminRefundsController } from './admin-refunds.controller';
import { AdminRefundsService } from './admin-refunds.service';
import { AdminTransactionsController } from './admin-transactions.controller';
import { AdminTransactionsService } from './admin-transactions.service';

/** Admin operations that span modules (support and finance). ADMIN role only, actions audited. */
@Module({
  imports: [AuditModule, WalletModule, PaymentsModule],
  controllers: [AdminTransactionsController, AdminRefundsController],
  providers: [AdminTransactionsService, AdminRefundsService],
})
export class AdminModule {}
