import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Post,
  Query,
  UseGuards,
  CanActivate,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { AppError } from 'src/common/errors/app-error';
import { Public } from 'src/common/decorators/public.decorator';
import { RateLimit } from 'src/common/rate-limit/rate-limit.decorator';
import { LedgerInputError } from '../ledger.types';
import {
  HarnessJournalLine,
  HarnessPostResult,
  LedgerHarnessService,
} from './ledger-harness.service';
import { CommonErrors } from 'src/common/errors/common.errors';

/** The harness routes answer 404, as if absent, unless LEDGER_TEST_API is on (never in production). */
@Injectable()
export class LedgerHarnessEnabledGuard implements CanActivate {
  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig) {}
  canActivate(): boolean {
    if (!this.cfg.switches.ledgerTestApi || this.cfg.app.isProduction)
      throw new AppError(CommonErrors.NOT_FOUND);
    return true;
  }
}

/** Test-only ledger API for conformance suites (`/_lck/*`), see the contract. */
@ApiExcludeController()
@Public()
@RateLimit('none')
@UseGuards(LedgerHarnessEnabledGuard)
@Controller('_lck')
export class LedgerHarnessController {
  constructor(private readonly harness: LedgerHarnessService) {}

  @Post('reset')
  @HttpCode(200)
  async reset(): Promise<{ ok: true }> {
    await this.harness.reset();
    return { ok: true };
  }

  @Post('post')
  @HttpCode(200)
  async post(@Body() body: unknown): Promise<HarnessPostResult> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError(CommonErrors.VALIDATION_FAILED, { message: 'body must be a JSON object' });
    try {
      return await this.harness.post(body);
    } catch (err) {
      if (err instanceof LedgerInputError)
        throw new AppError(CommonErrors.VALIDATION_FAILED, { message: err.message });
      throw err;
    }
  }

  @Get('balance')
  async balance(
    @Query('account') account?: string,
    @Query('currency') currency?: string,
  ): Promise<{ subunits: number }> {
    if (typeof account !== 'string' || account.length === 0)
      throw new AppError(CommonErrors.VALIDATION_FAILED, { message: 'account is required' });
    const cur = typeof currency === 'string' && currency.length > 0 ? currency : 'PHP';
    return { subunits: await this.harness.balance(account, cur) };
  }

  @Get('journal')
  journal(): Promise<HarnessJournalLine[]> {
    return this.harness.journal();
  }
}
