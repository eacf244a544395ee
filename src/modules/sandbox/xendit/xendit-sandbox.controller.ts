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

/** Xendit's invoice and payout APIs (`XENDIT_BASE_URL=<base>/sandbox/xendit`). */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('sandbox/xendit')
export class XenditSandboxController {
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
    return serveGatewayCall(this.gw, 'xendit', res, headers, op);
  }

  @Post('v2/invoices')
  createInvoice(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.checkouts.xenditCreateInvoice(body));
  }

  @Get('v2/invoices/:id')
  getInvoice(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.checkouts.xenditGetInvoice(id));
  }

  // The real path ends in a literal "!" and has no version prefix.
  @Post('invoices/:id/expire\\!')
  expireInvoice(
    @Param('id') id: string,
    @Headers() h: Headers,
    @Res() res: Response,
  ): Promise<void> {
    return this.handle(res, h, () => this.checkouts.xenditExpireInvoice(id));
  }

  @Post('v2/payouts')
  createPayout(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () =>
      this.payouts.xenditCreatePayout(body, headerOf(h, 'idempotency-key')),
    );
  }

  @Get('v2/payouts/:id')
  getPayout(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.payouts.xenditGetPayout(id));
  }

  // Refund API: no version prefix.
  @Post('refunds')
  createRefund(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () =>
      this.refunds.xenditCreate(body, headerOf(h, 'idempotency-key')),
    );
  }

  @Get('refunds')
  listRefunds(
    @Query('invoice_id') invoiceId: string | undefined,
    @Headers() h: Headers,
    @Res() res: Response,
  ): Promise<void> {
    return this.handle(res, h, () => this.refunds.xenditList(invoiceId));
  }

  @Get('refunds/:id')
  refund(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): Promise<void> {
    return this.handle(res, h, () => this.refunds.xenditGet(id));
  }
}
