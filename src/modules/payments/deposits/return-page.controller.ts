import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from 'src/common/decorators/public.decorator';
import { AppError } from 'src/common/errors/app-error';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { returnPage } from './return-page';
import { CommonErrors } from 'src/common/errors/common.errors';

/** The checkout return links' target when no FRONTEND_URL is set (see checkout-urls.ts). */
@ApiExcludeController()
@Public()
@Controller('payments')
export class ReturnPageController {
  constructor(@Inject(APP_CONFIG) private readonly cfg: AppConfig) {}

  @Get(':kind/:id')
  show(
    @Param('kind') kind: string,
    @Param('id') id: string,
    @Query('status') status: string | undefined,
    @Res() res: Response,
  ): void {
    if (!this.cfg.app.builtInReturnPage)
      throw new AppError(CommonErrors.NOT_FOUND, { message: 'Cannot GET /payments/' + kind });
    res.type('html').setHeader('Cache-Control', 'no-store').status(200);
    res.send(returnPage(kind, id, status));
  }
}
