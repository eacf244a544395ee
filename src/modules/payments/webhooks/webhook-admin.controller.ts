import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { AppError } from 'src/common/errors/app-error';
import { requestIdOf } from 'src/common/http/request-id';
import { AuditLogService } from 'src/modules/audit/audit-log.service';
import { WEBHOOK_EVENT_STATUSES, WebhookEventsRepository } from './webhook-events.repository';
import { WebhookProcessor } from './webhook-processor.service';
import { ProviderPageQuery } from './webhook-rejections.controller';
import { PaymentErrors } from '../payments.errors';

export class ListWebhookEventsQuery extends ProviderPageQuery {
  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_STATUSES)
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  transactionId?: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/webhook-events')
export class WebhookAdminController {
  constructor(
    private readonly events: WebhookEventsRepository,
    private readonly processor: WebhookProcessor,
    private readonly audit: AuditLogService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Stored gateway events, newest first (FLAGGED = needs review)' })
  list(@Query() q: ListWebhookEventsQuery) {
    return this.events.list({ ...q, limit: q.limit ?? 20 });
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Apply a stored event again (idempotent: money never moves twice)' })
  async replay(@Param('id') id: string, @CurrentUser() user: AuthUser, @Req() req: AuthedRequest) {
    const before = await this.events.findById(id);
    if (!before) throw new AppError(PaymentErrors.WEBHOOK_EVENT_NOT_FOUND);
    await this.processor.replay(id);
    const after = await this.events.findById(id);
    await this.audit.record({
      actorId: user.id,
      action: 'webhook_event.replay',
      targetType: 'webhook_event',
      targetId: id,
      before: { status: before.status, reason: before.reason },
      after: { status: after?.status, reason: after?.reason },
      requestId: requestIdOf(req),
    });
    return after;
  }
}
