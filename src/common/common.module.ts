import { Global, Module } from '@nestjs/common';
import { DatabaseOutage } from './database/database-outage';
import { HealthRegistry } from './health/health-registry';
import { LOG_DESTINATION } from './logging/logger.options';
import { ShutdownState } from './shutdown/shutdown-state';

/** Process-wide helpers every module may inject. */
@Global()
@Module({
  providers: [
    ShutdownState,
    HealthRegistry,
    DatabaseOutage,
    { provide: LOG_DESTINATION, useValue: null },
  ],
  exports: [ShutdownState, HealthRegistry, DatabaseOutage, LOG_DESTINATION],
})
export class CommonModule {}
