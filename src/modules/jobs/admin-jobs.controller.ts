import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { requestIdOf } from 'src/common/http/request-id';
import { HoldEarningsDto, ReleaseEarningsDto } from './dto/admin-jobs.dto';
import { JobEarningsService } from './job-earnings.service';
import type { JobResponse } from './job.model';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/jobs')
export class AdminJobsController {
  constructor(private readonly earnings: JobEarningsService) {}

  @Post(':id/hold')
  @HttpCode(200)
  @ApiOperation({ summary: "Hold a job's pending earnings (dispute); audit-logged" })
  hold(
    @Param('id') id: string,
    @Body() dto: HoldEarningsDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<JobResponse> {
    return this.earnings.hold({ id: user.id, requestId: requestIdOf(req) }, id, dto.reason);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({
    summary: "Release a job's pending earnings now (ignores the date and any hold); audit-logged",
  })
  release(
    @Param('id') id: string,
    @Body() dto: ReleaseEarningsDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<JobResponse> {
    return this.earnings.adminRelease({ id: user.id, requestId: requestIdOf(req) }, id, dto.reason);
  }
}
