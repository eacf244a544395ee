import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from 'src/common/http/api-docs';
import { AuthUser, CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { requestIdOf } from 'src/common/http/request-id';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { LedgerAuditReport, LedgerAuditService } from '../ledger-audit.service';
import {
  AdjustmentDto,
  AdjustmentResultDto,
  LedgerAuditDto,
  ReversalDto,
  ReversalResultDto,
} from './ledger-admin.dto';
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
  @ApiOkResponse({ type: LedgerAuditDto })
  @ApiOperation({ summary: 'Every ledger invariant recomputed, each with pass/fail and counts' })
  run(): Promise<LedgerAuditReport> {
    return this.audit.run();
  }

  @Post('adjustments')
  @Idempotent()
  @ApiCreatedResponse({ type: AdjustmentResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'LEDGER_ACCOUNT_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'INSUFFICIENT_FUNDS, IDEMPOTENCY_REQUEST_IN_PROGRESS',
  })
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
  @ApiCreatedResponse({ type: ReversalResultDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'LEDGER_ENTRY_NOT_FOUND' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'ENTRY_ALREADY_REVERSED, INSUFFICIENT_FUNDS',
  })
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
