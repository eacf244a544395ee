import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../decorators/public.decorator';
import { RateLimit } from '../rate-limit/rate-limit.decorator';
import { metricsRegistry } from './metrics.registry';

@ApiExcludeController()
@Public()
@RateLimit('none')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
