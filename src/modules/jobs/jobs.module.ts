import { Module, OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LedgerModule } from '../ledger/ledger.module';
import { PaymentsModule } from '../payments/payments.module';
import { PlatformSettingsModule } from '../platform-settings/platform-settings.module';
import { ScheduledJobsService } from '../scheduling/scheduled-jobs.service';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { UsersModule } from '../users/users.module';
import { WalletModule } from '../wallet/wallet.module';
import { AdminJobsController } from './admin-jobs.controller';
import { JobCheckoutsService } from './job-checkouts.service';
import { JobEarningsService } from './job-earnings.service';
import { JobEscrowService } from './job-escrow.service';
import { JobListCache } from './job-list.cache';
import { JobMilestonesService } from './job-milestones.service';
import { JobWalletDownpayment } from './job-wallet-downpayment';
import { JobPaymentsService } from './job-payments.service';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { JobCancellationService } from './job-cancellation.service';
import { JobCheckoutSettlement } from './job-checkout-settlement.service';

/** Jobs and escrow. Graph: jobs → payments → wallet → ledger; jobs → settings, scheduling, audit. */
@Module({
  imports: [
    UsersModule,
    PlatformSettingsModule,
    AuditModule,
    SchedulingModule,
    LedgerModule,
    WalletModule,
    PaymentsModule,
  ],
  controllers: [JobsController, AdminJobsController],
  providers: [
    JobsRepository,
    JobsService,
    JobEscrowService,
    JobMilestonesService,
    JobPaymentsService,
    JobWalletDownpayment,
    JobCheckoutsService,
    JobCheckoutSettlement,
    JobCancellationService,
    JobEarningsService,
    JobListCache,
  ],
  exports: [JobsService, JobsRepository, JobEarningsService],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly scheduled: ScheduledJobsService,
    private readonly earnings: JobEarningsService,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({
      name: 'job-earnings-release',
      schedule: '0 * * * *',
      description: 'Release matured, unheld job earnings from pending to available (each once)',
      handler: async () => ({ ...(await this.earnings.releaseDue()) }),
    });
  }
}
