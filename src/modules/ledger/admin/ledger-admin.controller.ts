import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from '../../../common/decorators/current-user.decorator';
import { Roles } from '../../../common/decorators/roles.decorator';
import { requestIdOf } from '../../../common/http/request-id';
import { Idempotent } from '../../../common/idempotency/idempotent.decorator';
import { LedgerAuditReport, LedgerAuditService } from '../ledger-audit.service';
import { AdjustmentDto, ReversalDto } from './ledger-admin.dto';
import { AdjustmentResult, LedgerAdminService } from './ledger-admin.service';

type RequestWithId = Parameters<typeof requestIdOf>[0];

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/ledger')
export class LedgerAdminController {
  constructor(
    private readonly audit: LedgerAuditService,
    private readonly admin: LedgerAdminService,
  ) {}

  @Get('audit')
  @ApiOperation({ summary: 'Every ledger invariant recomputed, each with pass/fail and counts' })
  run(): Promise<LedgerAuditReport> {
    return this.audit.run();
  }

  @Post('adjustments')
  @Idempotent()
  @ApiOperation({ summary: 'Manual adjustment against platform:adjustments (audit-logged)' })
  adjust(
    @CurrentUser() user: AuthUser,
    @Body() dto: AdjustmentDto,
    @Req() req: RequestWithId,
  ): Promise<AdjustmentResult> {
    return this.admin.adjust(user.id, dto, requestIdOf(req));
  }

  @Post('entries/:entryId/reverse')
  @HttpCode(201)
  @Idempotent()
  @ApiOperation({
    summary: 'Post the reversing entry of a journal entry (at most once, audit-logged)',
  })
  reverse(
    @CurrentUser() user: AuthUser,
    @Param('entryId') entryId: string,
    @Body() dto: ReversalDto,
    @Req() req: RequestWithId,
  ) {
    return this.admin.reverse(user.id, entryId, dto.reason, requestIdOf(req));
  }
}
