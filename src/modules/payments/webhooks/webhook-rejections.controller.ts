import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { PAYMENT_PROVIDER_NAMES } from '../providers/payment-provider';
import { WebhookRejectionsRepository } from './webhook-rejections.repository';
import { PageLimit } from 'src/common/http/page-limit.decorator';

/** Provider filter and a keyset page (newest first; `cursor` = id of the last item seen). */
export class ProviderPageQuery {
  @ApiPropertyOptional({ enum: PAYMENT_PROVIDER_NAMES })
  @IsOptional()
  @IsIn(PAYMENT_PROVIDER_NAMES)
  provider?: string;

  @PageLimit(20)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/webhook-rejections')
export class WebhookRejectionsController {
  constructor(private readonly rejections: WebhookRejectionsRepository) {}

  @Get()
  @ApiOperation({
    summary:
      'Webhook deliveries refused before storage (failed verification or unparsable): provider, time, source IP, reason, body SHA-256 and size; newest first',
  })
  list(@Query() q: ProviderPageQuery) {
    return this.rejections.list({ ...q, limit: q.limit ?? 20 });
  }
}
