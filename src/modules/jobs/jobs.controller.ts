import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { CancelJobDto, CreateJobDto, ListJobsQueryDto, PayJobDto } from './dto/jobs.dto';
import { JobPaymentResult, JobPaymentsService } from './job-payments.service';
import type { TimelineEvent } from './job-events';
import type { JobResponse } from './job.model';
import { JobCancellationService } from './job-cancellation.service';
import { JobPage, JobsService } from './jobs.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('api/jobs')
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly cancellation: JobCancellationService,
    private readonly payments: JobPaymentsService,
  ) {}

  @Post()
  @Roles('CLIENT')
  @ApiOperation({ summary: 'Create a job for a worker or agency (amounts fixed now)' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateJobDto): Promise<JobResponse> {
    return this.jobs.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: "The caller's jobs as client or worker, newest first" })
  list(@CurrentUser() user: AuthUser, @Query() q: ListJobsQueryDto): Promise<JobPage> {
    return this.jobs.list(user, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job (participants only)' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobResponse> {
    return this.jobs.get(user, id);
  }

  @Post(':id/downpayment')
  @HttpCode(200)
  @Idempotent()
  @RateLimit('payment')
  @ApiOperation({
    summary: 'Client pays downpayment + fee into escrow (WALLET now, GCASH via checkout)',
  })
  downpayment(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: PayJobDto,
  ): Promise<JobPaymentResult> {
    return this.payments.payDownpayment(user, id, dto.method);
  }

  @Post(':id/approve-completion')
  @HttpCode(200)
  @Idempotent()
  @RateLimit('payment')
  @ApiOperation({
    summary:
      'Client approves the work and pays the remaining half; escrow becomes pending earnings',
  })
  approveCompletion(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: PayJobDto,
  ): Promise<JobPaymentResult> {
    return this.payments.approveCompletion(user, id, dto.method);
  }

  @Post(':id/complete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assigned worker reports the work done' })
  complete(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<JobResponse> {
    return this.jobs.complete(user, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel before the work is done (downpayment refunded, fee kept)' })
  cancel(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() dto: CancelJobDto,
  ): Promise<JobResponse> {
    return this.cancellation.cancel(user, id, dto.reason);
  }

  @Get(':id/payment-timeline')
  @ApiOperation({ summary: 'Payment milestones with amounts, including the earnings release date' })
  timeline(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
  ): Promise<{ events: TimelineEvent[] }> {
    return this.jobs.timeline(user, id);
  }
}
