import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ScheduledJobsController } from './scheduled-jobs.controller';
import { ScheduledJobsService } from './scheduled-jobs.service';

/** Import this module and call `ScheduledJobsService.register()` from your module's onModuleInit. */
@Module({
  imports: [AuditModule],
  controllers: [ScheduledJobsController],
  providers: [ScheduledJobsService],
  exports: [ScheduledJobsService],
})
export class SchedulingModule {}
