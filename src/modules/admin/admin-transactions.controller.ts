import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Roles } from 'src/common/decorators/roles.decorator';
import { requestIdOf } from 'src/common/http/request-id';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { RefundTransactionDto } from './admin-refund.dto';
import { AdminRefundsService, RefundResult } from './admin-refunds.service';
import { AdminTransactionsQuery } from './admin-transactions.query';
import { AdminTransaction, AdminTransactionsService } from './admin-transactions.service';

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/transactions')
export class AdminTransactionsController {
  constructor(
    private readonly transactions: AdminTransactionsService,
    private readonly refunds: AdminRefundsService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Search transactions (user, type, status, date range, reference), newest first',
  })
  search(
    @Query() q: AdminTransactionsQuery,
  ): Promise<{ data: AdminTransaction[]; nextCursor: string | null }> {
    return this.transactions.search(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One transaction with its owner and ledger entry' })
  get(@Param('id') id: string): Promise<AdminTransaction> {
    return this.transactions.get(id);
  }

  @Post(':id/refund')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({
    summary:
      'Refund a deposit, job payment or fee: to the original payment method through its gateway ' +
      '(hold now, settled by the gateway) or to the wallet (capped at what was paid; audited)',
  })
  refund(
    @Param('id') id: string,
    @Body() dto: RefundTransactionDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<RefundResult> {
    return this.refunds.refund({ id: user.id, requestId: requestIdOf(req) }, id, dto);
  }
}
