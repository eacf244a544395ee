import { Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from '../../../common/decorators/current-user.decorator';
import { Roles } from '../../../common/decorators/roles.decorator';
import { AppError } from '../../../common/errors/app-error';
import { requestIdOf } from '../../../common/http/request-id';
import { AuditLogService } from '../../audit/audit-log.service';
import { PAYMENT_PROVIDER_NAMES } from '../providers/payment-provider';
import { WEBHOOK_EVENT_STATUSES, WebhookEventsRepository } from './webhook-events.repository';
import { WebhookProcessor } from './webhook-processor.service';

export class ListWebhookEventsQuery {
  @ApiPropertyOptional({ enum: PAYMENT_PROVIDER_NAMES })
  @IsOptional()
  @IsIn(PAYMENT_PROVIDER_NAMES)
  provider?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_EVENT_STATUSES)
  status?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  transactionId?: string;

  @ApiProperty({ required: false, minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  cursor?: string;
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
    if (!before) throw AppError.notFound('WEBHOOK_EVENT_NOT_FOUND', 'Webhook event not found');
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
