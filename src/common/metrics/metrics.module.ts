import { Global, Module } from '@nestjs/common';
import { DbPoolMetrics } from './db-pool.metrics';
import { MetricsController } from './metrics.controller';

@Global()
@Module({ controllers: [MetricsController], providers: [DbPoolMetrics] })
export class MetricsModule {}
