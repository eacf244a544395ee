import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { SandboxCheckoutsService } from './sandbox-checkouts.service';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { SandboxPayoutsService } from './sandbox-payouts.service';
import { SandboxRecords } from './sandbox-records';
import { isObj, Obj } from './sandbox-replies';
import { sendDisabled } from './sandbox-http';
import { SandboxRefundsService } from './sandbox-refunds.service';
import { SandboxStore } from './sandbox.store';
import { DEFAULT_CONTROLS, SandboxControls } from './sandbox.types';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import { wholeList } from 'src/common/http/page';

/**
 * Test and demo controls (ours, not part of either gateway): act as the customer, turn failure knobs,
 * inspect deliveries. `POST /sandbox/_control/checkouts/:id/pay` answers after the webhooks were
 * delivered (or given up on), so tests need no sleeps.
 */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('sandbox/_control')
export class SandboxControlController {
  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly checkoutsService: SandboxCheckoutsService,
    private readonly payoutsService: SandboxPayoutsService,
    private readonly records: SandboxRecords,
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
    private readonly refundsService: SandboxRefundsService,
  ) {}

  @Get('controls')
  controls(@Res() res: Response): void {
    if (!this.gw.enabled) return sendDisabled(res);
    res.json(this.store.controls);
  }

  /** Partial update of the knobs; unknown names or wrong types → 400. */
  @Post('controls')
  @HttpCode(200)
  setControls(@Body() body: unknown, @Res() res: Response): void {
    if (!this.gw.enabled) return sendDisabled(res);
    if (!isObj(body)) {
      res.status(400).json({ error: 'body must be an object' });
      return;
    }
    const next: SandboxControls = { ...this.store.controls };
    for (const [k, v] of Object.entries(body)) {
      if (!(k in DEFAULT_CONTROLS)) {
        res.status(400).json({ error: `unknown control ${k}` });
        return;
      }
      const key = k as keyof SandboxControls;
      if (Array.isArray(DEFAULT_CONTROLS[key])) {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
          res.status(400).json({ error: `bad value for ${k}` });
          return;
        }
      } else if (
        typeof v !== typeof DEFAULT_CONTROLS[key] ||
        (typeof v === 'number' && (!Number.isInteger(v) || v < -86400))
      ) {
        res.status(400).json({ error: `bad value for ${k}` });
        return;
      }
      (next as unknown as Obj)[key] = v;
    }
    this.store.controls = next;
    res.json(next);
  }

  @Post('reset')
  @HttpCode(200)
  async reset(@Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    await this.records.deleteAll();
    this.store.reset();
    this.webhooks.clearHeld();
    res.json({ reset: true });
  }

  /** Every checkout the sandbox gateways hold, oldest first (to count what reached each gateway). */
  @Get('checkouts')
  async checkouts(@Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    res.json({
      data: (await this.checkoutsService.list()).map((c) => ({
        provider: c.provider,
        id: c.id,
        amount: c.amount,
        reference: c.reference,
        state: c.state,
      })),
    });
  }

  @Get('checkouts/:id')
  async checkout(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const c = await this.checkoutsService.findCheckout(id);
    if (!c) {
      res.status(404).json({ error: 'checkout not found' });
      return;
    }
    res.json(c);
  }

  /** Body: `{amount?: centavos actually paid, force?: act even if no longer open}`. */
  @Post('checkouts/:id/:action')
  @HttpCode(200)
  async act(
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const b = isObj(body) ? body : {};
    const force = b.force === true;
    const amount =
      typeof b.amount === 'number' && Number.isSafeInteger(b.amount) && b.amount > 0
        ? b.amount
        : undefined;
    let deliveries;
    if (action === 'pay') deliveries = await this.checkoutsService.pay(id, { amount, force });
    else if (action === 'fail') deliveries = await this.checkoutsService.fail(id, { force });
    else if (action === 'expire') deliveries = await this.checkoutsService.expire(id, { force });
    else {
      res.status(404).json({ error: 'unknown action' });
      return;
    }
    if (deliveries === null) {
      res.status(409).json({ error: 'checkout not found or no longer open (send force: true)' });
      return;
    }
    res.json({ deliveries });
  }

  @Get('deliveries')
  deliveries(@Query('eventType') eventType: string | undefined, @Res() res: Response): void {
    if (!this.gw.enabled) return sendDisabled(res);
    res.json(
      wholeList(this.store.deliveries.filter((d) => !eventType || d.eventType === eventType)),
    );
  }

  /** Sends held webhooks: `{order: "fifo" | "reverse"}`. */
  @Post('webhooks/release')
  @HttpCode(200)
  async release(@Body() body: unknown, @Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    this.store.controls.holdWebhooks = false;
    const order = isObj(body) && body.order === 'reverse' ? 'reverse' : 'fifo';
    res.json({ deliveries: await this.webhooks.release(order) });
  }

  /** Every refund the sandbox gateways hold (to count what reached the gateway). */
  @Get('refunds')
  async refunds(@Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    res.json({ data: await this.refundsService.list() });
  }

  /** The channel sends a succeeded Xendit payout back (`payout.reversed`); answers after delivery. */
  @Post('payouts/:id/reverse')
  @HttpCode(200)
  async reverse(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const deliveries = await this.payoutsService.reversePayout(id);
    if (deliveries === null) {
      res.status(409).json({ error: 'payout not found, not Xendit, or not succeeded' });
      return;
    }
    res.json({ deliveries });
  }

  @Get('payouts/:id')
  async payout(@Param('id') id: string, @Res() res: Response): Promise<void> {
    if (!this.gw.enabled) return sendDisabled(res);
    const p = await this.payoutsService.payout(id);
    if (!p) {
      res.status(404).json({ error: 'payout not found' });
      return;
    }
    res.json(p);
  }
}
