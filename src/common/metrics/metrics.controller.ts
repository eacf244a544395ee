import { Controller, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeController } from '@nestjs/swagger';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { Public } from '../decorators/public.decorator';
import { AppError } from '../errors/app-error';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { metricsRegistry } from './metrics.registry';
import { CommonErrors } from '../errors/common.errors';

/**
 * Prometheus scrape endpoint. With `METRICS_TOKEN` it needs `Authorization: Bearer <token>`; without
 * one it is open outside production and absent (404) in production, where metrics reveal traffic.
 */
@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('metrics')
export class MetricsController {
  private readonly tokenDigest: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig) {
    const token = cfg.exposure.metricsToken;
    this.tokenDigest = token === undefined ? undefined : digest(token);
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res?: Response,
  ): Promise<string> {
    if (!this.tokenDigest) {
      if (this.cfg.app.isProduction) throw new AppError(CommonErrors.NOT_FOUND);
    } else {
      const given = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
      // Compare fixed-length digests so neither the length nor the content leaks through timing.
      if (!timingSafeEqual(digest(given), this.tokenDigest))
        throw new AppError(CommonErrors.UNAUTHORIZED, {
          message: 'A valid metrics token is required',
        });
    }
    // Set here, not with @Header: a refusal above must keep the JSON error's content type.
    res?.setHeader('Content-Type', metricsRegistry.contentType);
    return metricsRegistry.metrics();
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
