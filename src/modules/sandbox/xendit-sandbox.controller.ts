import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators/public.decorator';
import { RateLimit } from '../../common/rate-limit/rate-limit.decorator';
import { GatewayReply, SandboxGatewayService } from './sandbox-gateway.service';
import { headerOf, sendDisabled, sendReply } from './sandbox-http';
import { SandboxRefundsService } from './sandbox-refunds.service';

type Headers = Record<string, string | string[] | undefined>;

/** Xendit's invoice and payout APIs (`XENDIT_BASE_URL=<base>/sandbox/xendit`). */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('sandbox/xendit')
export class XenditSandboxController {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly refunds: SandboxRefundsService,
  ) {}

  private handle(res: Response, headers: Headers, op: () => GatewayReply): void {
    if (!this.gw.enabled) return sendDisabled(res);
    if (!this.gw.authorised('xendit', headerOf(headers, 'authorization')))
      return sendReply(res, this.gw.unauthorised('xendit'));
    sendReply(res, this.gw.injectedFailure('xendit') ?? op());
  }

  @Post('v2/invoices')
  createInvoice(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.gw.xenditCreateInvoice(body));
  }

  @Get('v2/invoices/:id')
  getInvoice(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.gw.xenditGetInvoice(id));
  }

  // The real path ends in a literal "!" and has no version prefix.
  @Post('invoices/:id/expire\\!')
  expireInvoice(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.gw.xenditExpireInvoice(id));
  }

  @Post('v2/payouts')
  createPayout(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.gw.xenditCreatePayout(body, headerOf(h, 'idempotency-key')));
  }

  @Get('v2/payouts/:id')
  getPayout(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.gw.xenditGetPayout(id));
  }

  // Refund API: no version prefix.
  @Post('refunds')
  createRefund(@Body() body: unknown, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.refunds.xenditCreate(body, headerOf(h, 'idempotency-key')));
  }

  @Get('refunds')
  listRefunds(
    @Query('invoice_id') invoiceId: string | undefined,
    @Headers() h: Headers,
    @Res() res: Response,
  ): void {
    this.handle(res, h, () => this.refunds.xenditList(invoiceId));
  }

  @Get('refunds/:id')
  refund(@Param('id') id: string, @Headers() h: Headers, @Res() res: Response): void {
    this.handle(res, h, () => this.refunds.xenditGet(id));
  }
}
