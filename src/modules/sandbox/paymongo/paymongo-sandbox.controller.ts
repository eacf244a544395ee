import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { SandboxCheckoutsService } from '../sandbox-checkouts.service';
import { SandboxGatewayService } from '../sandbox-gateway.service';
import { SandboxPayoutsService } from '../sandbox-payouts.service';
import type { GatewayReply } from '../sandbox-replies';
import { headerOf, type RequestHeaders, serveGatewayCall } from '../sandbox-http';
import { SandboxRefundsService } from '../sandbox-refunds.service';

type Headers = RequestHeaders;

/** PayMongo's REST API as the adapters see it (`PAYMONGO_BASE_URL=<base>/sandbox/paymongo`). */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('sandbox/paymongo')
export class PaymongoSandboxController {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly checkouts: SandboxCheckoutsService,
    private readonly payouts: SandboxPayoutsService,
    private readonly refunds: SandboxRefundsService,
  ) {}

  private handle(
    res: Response,
    headers: Headers,
    op: () => GatewayReply | Promise<GatewayReply>,
  ): Promise<void> {
    return serveGatewayCall(this.gw, 'paymongo', res, headers, op);
  }

  @Post(['v1/checkout_sessions', 'v2/checkout_sessions'])
  create(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () =>
      this.checkouts.paymongoCreate(body, headerOf(h, 'idempotency-key')),
    );
  }

  @Get(['v1/checkout_sessions/:id', 'v2/checkout_sessions/:id'])
  get(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.checkouts.paymongoGet(id));
  }

  @Post(['v1/checkout_sessions/:id/expire', 'v2/checkout_sessions/:id/expire'])
  expire(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.checkouts.paymongoExpire(id));
  }

  @Post('v2/batch_transfers')
  transfers(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () =>
      this.payouts.paymongoCreateTransfers(body, headerOf(h, 'idempotency-key')),
    );
  }

  @Get('v2/wallets')
  wallets(@Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.payouts.paymongoWallets());
  }

  @Get('v2/transfers/receiving_institutions')
  institutions(
    @Query('provider') provider: string | undefined,
    @Headers() h: Headers,
    @Res() res: Response,
  ): Promise<void> {
    return this.handle(res, h, () => this.payouts.paymongoInstitutions(provider));
  }

  @Get('v2/transfers/:id')
  transfer(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.payouts.paymongoGetTransfer(id));
  }

  @Post('v1/refunds')
  createRefund(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () =>
      this.refunds.paymongoCreate(body, headerOf(h, 'idempotency-key')),
    );
  }

  @Get('v1/refunds/:id')
  refund(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.refunds.paymongoGet(id));
  }

  @Get('v1/payments/:id')
  payment(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.refunds.paymongoGetPayment(id));
  }
}
