import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { checkoutPage, notFoundPage, resultPage } from './checkout-page';
import { SandboxCheckoutsService } from './sandbox-checkouts.service';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { sendDisabled } from './sandbox-http';
import type { DeliveryRecord } from './sandbox.types';

/** How long the page waits for the webhook before answering (delivery continues afterwards). */
const WAIT_FOR_WEBHOOK_MS = 15_000;

/** The hosted checkout page a customer (or a browser test) uses: plain HTML forms, no script. */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('sandbox/checkout')
export class CheckoutPageController {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly checkouts: SandboxCheckoutsService,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const c = await this.checkouts.findCheckout(id);
    res.type('html').setHeader('Cache-Control', 'no-store');
    if (!c) {
      res.status(404).send(notFoundPage());
      return;
    }
    res.status(200).send(checkoutPage(c));
  }

  @Post(':id/:action')
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const c = await this.checkouts.findCheckout(id);
    res.type('html').setHeader('Cache-Control', 'no-store');
    if (!c || !['pay', 'fail', 'expire'].includes(action)) {
      res.status(404).send(notFoundPage());
      return;
    }
    const run =
      action === 'pay'
        ? this.checkouts.pay(id)
        : action === 'fail'
          ? this.checkouts.fail(id)
          : this.checkouts.expire(id);
    // Answer once the service acknowledged the webhook, so "Payment successful" means "credited".
    const deliveries = await Promise.race<DeliveryRecord[] | null>([
      run,
      new Promise((r) => setTimeout(() => r(null), WAIT_FOR_WEBHOOK_MS).unref()),
    ]);
    // The checkout as it is now (this action, or another instance's, may have moved it).
    const now = (await this.checkouts.findCheckout(id)) ?? c;
    res
      .status(200)
      .send(now.state === 'open' ? checkoutPage(now, deliveries) : resultPage(now, deliveries));
  }
}
