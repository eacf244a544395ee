import { Module } from '@nestjs/common';
import { AdminTransactionsController } from './admin-transactions.controller';
import { AdminTransactionsService } from './admin-transactions.service';

/** Admin operations that span modules (support and finance views). ADMIN role only. */
@Module({
  controllers: [AdminTransactionsController],
  providers: [AdminTransactionsService],
})
export class AdminModule {}
