import { Module, OnModuleInit } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PaymentsModule } from '../payments/payments.module';
import { PlatformSettingsModule } from '../platform-settings/platform-settings.module';
import { ScheduledJobsService } from '../scheduling/scheduled-jobs.service';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { WalletModule } from '../wallet/wallet.module';
import { AdminWithdrawalsController, WithdrawalsController } from './withdrawals.controller';
import { payoutPollOutcome } from './payout-poll-outcome';
import { WithdrawalQueue } from './withdrawal-queue';
import { VerificationModule } from '../verification/verification.module';
import { PayoutRequester } from './payout-requester';
import { WithdrawalRequests } from './withdrawal-requests.service';
import { WithdrawalRules } from './withdrawal-rules';
import { WithdrawalSettlement } from './withdrawal-settlement.service';
import { WithdrawalsService } from './withdrawals.service';

/** Withdrawals and payouts. Graph: withdrawals → verification → payments → wallet → ledger; → settings, audit. */
@Module({
  imports: [
    PaymentsModule,
    WalletModule,
    VerificationModule,
    PlatformSettingsModule,
    AuditModule,
    SchedulingModule,
  ],
  controllers: [WithdrawalsController, AdminWithdrawalsController],
  providers: [
    WithdrawalRules,
    WithdrawalSettlement,
    PayoutRequester,
    WithdrawalRequests,
    WithdrawalsService,
    WithdrawalQueue,
  ],
  exports: [WithdrawalsService],
})
export class WithdrawalsModule implements OnModuleInit {
  constructor(
    private readonly scheduled: ScheduledJobsService,
    private readonly withdrawals: WithdrawalsService,
    private readonly queue: WithdrawalQueue,
  ) {}

  onModuleInit(): void {
    this.scheduled.register({
      name: 'withdrawal-payouts-poll',
      schedule: '*/2 * * * *',
      description: 'Ask the gateway about pending payouts and settle or return them (each once)',
      // A lookup that errored fails the run (with its counts): it is not a success.
      handler: async () => ({ ...payoutPollOutcome(await this.withdrawals.pollPayouts()) }),
    });
    this.scheduled.register({
      name: 'withdrawals-awaiting-admin',
      schedule: '*/15 * * * *',
      description:
        'Warn while withdrawals wait for an admin (manual payouts, unknown outcomes), with the oldest age',
      handler: async () => ({ ...(await this.queue.warnIfWaiting()) }),
    });
  }
}
