import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthUser,
  AuthedRequest,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { wholeList } from 'src/common/http/page';
import { requestIdOf } from 'src/common/http/request-id';
import { AuditLogService } from '../audit/audit-log.service';
import { ScheduledJobsService } from './scheduled-jobs.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/scheduled-jobs')
export class ScheduledJobsController {
  constructor(
    private readonly jobs: ScheduledJobsService,
    private readonly audit: AuditLogService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Scheduled jobs with their schedule and last run' })
  async list() {
    return wholeList(await this.jobs.list());
  }

  @Post(':name/run')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a scheduled job now (skipped if another instance is running it)' })
  async run(@Param('name') name: string, @CurrentUser() user: AuthUser, @Req() req: AuthedRequest) {
    const run = await this.jobs.runNow(name, 'manual');
    await this.audit.record({
      actorId: user.id,
      action: 'scheduled_job.run',
      targetType: 'scheduled_job',
      targetId: name,
      after: run,
      requestId: requestIdOf(req),
    });
    return run;
  }
}
