import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser } from 'src/common/decorators/current-user.decorator';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { DepositDto } from './deposit.dto';
import { DepositResponse, DepositService } from './deposit.service';

@ApiTags('wallet')
@ApiBearerAuth()
@Controller('api/wallet')
export class DepositController {
  constructor(private readonly deposits: DepositService) {}

  @Post('deposit')
  @RateLimit('payment')
  @Idempotent()
  @ApiOperation({
    summary:
      'Start a deposit: a PENDING transaction and a gateway checkout (balance changes on payment)',
  })
  deposit(@CurrentUser() user: AuthUser, @Body() body: DepositDto): Promise<DepositResponse> {
    return this.deposits.create(user.id, body.amount);
  }
}
