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
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import type { TransactionResponse } from '../wallet/transaction.model';
import {
  ApproveWithdrawalDto,
  ListWithdrawalsQuery,
  RejectWithdrawalDto,
  WithdrawDto,
} from './withdrawal.dto';
import type { WithdrawResult } from './withdrawal.types';
import { WithdrawalRequests } from './withdrawal-requests.service';
import { WithdrawalsService } from './withdrawals.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Controller('api/wallet')
export class WithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalRequests) {}

  @Post('withdraw')
  @HttpCode(201)
  @RateLimit('payment')
  @Idempotent()
  @ApiOperation({ summary: 'Withdraw to a verified payout account (held at once, then paid out)' })
  withdraw(@CurrentUser() user: AuthUser, @Body() dto: WithdrawDto): Promise<WithdrawResult> {
    return this.withdrawals.withdraw(user.id, dto);
  }
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('ADMIN')
@Controller('api/admin/withdrawals')
export class AdminWithdrawalsController {
  constructor(private readonly withdrawals: WithdrawalsService) {}

  @Get()
  @ApiOperation({ summary: 'Withdrawals queue (PENDING by default), oldest first' })
  list(@Query() q: ListWithdrawalsQuery) {
    return this.withdrawals.list(q.status ?? 'PENDING', q.limit ?? 50, q.cursor);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Mark a withdrawal paid out (reference required); audit-logged' })
  approve(
    @Param('id') id: string,
    @Body() dto: ApproveWithdrawalDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<TransactionResponse> {
    return this.withdrawals.approve(
      { id: user.id, requestId: requestIdOf(req) },
      id,
      dto.reference,
    );
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Idempotent()
  @ApiOperation({ summary: 'Reject a withdrawal: the money returns to the wallet; audit-logged' })
  reject(
    @Param('id') id: string,
    @Body() dto: RejectWithdrawalDto,
    @CurrentUser() user: AuthUser,
    @Req() req: AuthedRequest,
  ): Promise<TransactionResponse> {
    return this.withdrawals.reject({ id: user.id, requestId: requestIdOf(req) }, id, dto.reason);
  }
}
