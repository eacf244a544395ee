import { Logger, Module, OnModuleInit } from '@nestjs/common';
import * as Sentry from '@sentry/nestjs';
import { AuditModule } from 'src/modules/audit/audit.module';
import { ScheduledJobsService } from 'src/modules/scheduling/scheduled-jobs.service';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { LedgerAuditService } from '../ledger-audit.service';
import { LedgerChainService } from '../ledger-chain.service';
import { LedgerModule } from '../ledger.module';
import { LedgerService } from '../ledger.service';
import { LedgerAdminController } from './ledger-admin.controller';
import { ledgerAuditFailedChecks, ledgerAuditLastRun } from './ledger-audit.metrics';
import { LedgerAdminService } from './ledger-admin.service';

/** Admin routes and the ledger's scheduled jobs (audit, hold expiry, hash-chain sealing). */
@Module({
  imports: [LedgerModule, AuditModule, SchedulingModule],
  controllers: [LedgerAdminController],
  providers: [LedgerAdminService],
})
export class LedgerOpsModule implements OnModuleInit {
  private readonly logger = new Logger('LedgerAudit');

  constructor(
    private readonly jobs: ScheduledJobsService,
    private readonly audit: LedgerAuditService,
    private readonly ledger: LedgerService,
    private readonly chain: LedgerChainService,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'ledger-audit',
      schedule: '0 * * * *',
      description: 'Recompute every ledger invariant; alert on any failure',
      handler: async () => {
        const report = await this.audit.run();
        const failed = report.checks.filter((c) => !c.pass);
        ledgerAuditFailedChecks.set(failed.length);
        ledgerAuditLastRun.set(Math.floor(Date.now() / 1000));
        if (failed.length > 0) {
          this.logger.error({ failed }, 'Ledger audit failed');
          Sentry.captureMessage('Ledger audit failed', {
            level: 'error',
            extra: { failed },
          });
        }
        return {
          checks: report.checks.length,
          failed: failed.length,
          entries: report.totals.entries,
        };
      },
    });
    this.jobs.register({
      name: 'ledger-expire-holds',
      schedule: '* * * * *',
      description: 'Expire holds past their time (database clock) and release the reserved amounts',
      handler: async () => ({ expired: await this.ledger.expireHolds() }),
    });
    this.jobs.register({
      name: 'ledger-seal-chain',
      schedule: '* * * * *',
      description: 'Extend the journal hash chain over entries that can no longer change',
      handler: async () => ({ sealed: await this.chain.sealAll(10_000) }),
    });
  }
}
