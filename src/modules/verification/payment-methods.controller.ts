import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthedRequest,
  AuthUser,
  CurrentUser,
} from 'src/common/decorators/current-user.decorator';
import { Page, wholeList } from 'src/common/http/page';
import { requestIdOf } from 'src/common/http/request-id';
import { Idempotent } from 'src/common/idempotency/idempotent.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { BANK_DIRECTORY } from '../payments/providers/bank-directory';
import { AddPaymentMethodDto, PaymentMethodResponse } from './payment-method.dto';
import { PaymentMethodsService } from './payment-methods.service';
import { AddResult, VerificationService } from './verification.service';

/** Payout accounts, the same routes for clients, workers and agencies. */
@ApiTags('payment-methods')
@ApiBearerAuth()
@Controller('api/payment-methods')
export class PaymentMethodsController {
  constructor(
    private readonly verification: VerificationService,
    private readonly paymentMethods: PaymentMethodsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your verified payout accounts, primary first' })
  async list(@CurrentUser() user: AuthUser): Promise<Page<PaymentMethodResponse>> {
    return wholeList(await this.paymentMethods.list(user.id));
  }

  @Get('banks')
  @ApiOperation({
    summary:
      'The bank directory: our bankCode for BANK accounts, mapped to each gateway identifier',
  })
  banks(): Page<{ code: string; name: string }> {
    return wholeList(BANK_DIRECTORY.map((b) => ({ code: b.code, name: b.name })));
  }

  @Post()
  @RateLimit('payment')
  @Idempotent()
  @ApiOperation({ summary: 'Add an account; GCASH and MAYA return a verification checkout' })
  add(
    @CurrentUser() user: AuthUser,
    @Body() body: AddPaymentMethodDto,
    @Req() req: AuthedRequest,
  ): Promise<AddResult> {
    return this.verification.add(user.id, body, requestIdOf(req));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an account (not while a withdrawal to it is pending)' })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.paymentMethods.remove(user.id, id);
  }

  @Post(':id/primary')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a verified account the primary one' })
  primary(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<PaymentMethodResponse> {
    return this.paymentMethods.makePrimary(user.id, id);
  }
}
