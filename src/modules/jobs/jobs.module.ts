import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PlatformSettingsModule } from '../platform-settings/platform-settings.module';
import { UsersModule } from '../users/users.module';
import { AdminJobsController } from './admin-jobs.controller';
import { JobEarningsService } from './job-earnings.service';
import { JobListCache } from './job-list.cache';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [UsersModule, PlatformSettingsModule, AuditModule],
  controllers: [JobsController, AdminJobsController],
  providers: [JobsRepository, JobsService, JobEarningsService, JobListCache],
  exports: [JobsService, JobsRepository],
})
export class JobsModule {}
