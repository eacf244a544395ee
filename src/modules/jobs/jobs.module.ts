import { Module } from '@nestjs/common';
import { PlatformSettingsModule } from '../platform-settings/platform-settings.module';
import { UsersModule } from '../users/users.module';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';

@Module({
  imports: [UsersModule, PlatformSettingsModule],
  controllers: [JobsController],
  providers: [JobsRepository, JobsService],
  exports: [JobsService, JobsRepository],
})
export class JobsModule {}
