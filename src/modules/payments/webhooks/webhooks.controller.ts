import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from 'src/common/decorators/public.decorator';
import { AppError, retryAfter } from 'src/common/errors/app-error';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import type { PaymentProviderName, WebhookHeaders } from '../providers/payment-provider';
import { WebhookPayloadError, WebhookRejectedError } from '../providers/provider-errors';
import { ipLimitKey } from 'src/common/rate-limit/ip-prefix';
import { WebhookAttemptLimiter } from './webhook-attempt-limiter';
import { WebhookRejectionsRepository } from './webhook-rejections.repository';
import { WebhookProcessingError, WebhookProcessor } from './webhook-processor.service';
import { webhookOutcomes } from './webhook.metrics';
import { CommonErrors } from 'src/common/errors/common.errors';
import { PaymentErrors } from '../payments.errors';

/**
 * Gateway callbacks. No user auth: each delivery is verified against the raw body bytes (never a
 * re-serialised body). 200 `{received: true}` once the event is durably recorded (applied, duplicate, or
 * stored-and-ignored); 401 unverified; 400 unparsable; 429 after too many failed verifications from one
 * source (signed deliveries still pass); 503 if we could not record or apply it, so the gateway
 * delivers it again (ADR 0062).
 */
@ApiTags('webhooks')
@Public()
@RateLimit('none')
@Controller('api/accounts/wallet')
export class WebhooksController {
  constructor(
    private readonly processor: WebhookProcessor,
    private readonly limiter: WebhookAttemptLimiter,
    private readonly rejections: WebhookRejectionsRepository,
  ) {}

  @Post('paymongo-webhook')
  @HttpCode(200)
  @ApiOperation({ summary: 'PayMongo events (Paymongo-Signature t/te/li over the raw body)' })
  paymongo(@Req() req: RawBodyRequest<Request>, @Headers() headers: WebhookHeaders) {
    return this.handle('paymongo', req, headers);
  }

  @Post('xendit-webhook')
  @HttpCode(200)
  @ApiOperation({ summary: 'Xendit invoice and payout callbacks (x-callback-token)' })
  xendit(@Req() req: RawBodyRequest<Request>, @Headers() headers: WebhookHeaders) {
    return this.handle('xendit', req, headers);
  }

  /**
   * Verify first: a correctly signed delivery is never refused, whatever its source did before. Only
   * failed verifications are counted (per IP, IPv6 per /64) and, past the limit, answered 429; each is
   * recorded for admins (hash and size of the body, never the body) until the limit is reached.
   */
  private async handle(
    provider: PaymentProviderName,
    req: RawBodyRequest<Request>,
    headers: WebhookHeaders,
  ) {
    // A gateway without its webhook secret cannot verify anything: as if the route did not exist.
    if (!this.processor.webhooksConfigured(provider)) throw new AppError(CommonErrors.NOT_FOUND);
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const raw = req.rawBody ?? Buffer.alloc(0);
    try {
      if (raw.length === 0) throw new WebhookPayloadError('Empty body');
      await this.processor.receive(provider, raw, headers);
    } catch (err) {
      if (err instanceof WebhookRejectedError || err instanceof WebhookPayloadError) {
        webhookOutcomes.inc({ provider, outcome: 'REJECTED' });
        const key = ipLimitKey(ip);
        const wait = await this.limiter.blockedFor(key);
        await this.limiter.recordFailure(key);
        if (wait > 0)
          throw new AppError(CommonErrors.RATE_LIMITED, {
            message: 'Too many unverified webhook attempts',
            headers: {
              'Retry-After': String(wait),
            },
          });
        await this.rejections.record({
          provider,
          sourceIp: ip,
          reason:
            err instanceof WebhookRejectedError
              ? `signature: ${err.reason}`
              : `payload: ${err.message}`,
          body: raw,
        });
        throw err;
      }
      // Recorded but not applied: the gateway must deliver it again (that copy applies it).
      if (err instanceof WebhookProcessingError)
        throw new AppError(PaymentErrors.WEBHOOK_NOT_APPLIED, { headers: retryAfter(5) });
      // The event could not be recorded: the gateway must retry it.
      throw new AppError(PaymentErrors.WEBHOOK_NOT_RECORDED, { headers: retryAfter(5) });
    }
    return { received: true };
  }
}
