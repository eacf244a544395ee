import { Global, Module } from '@nestjs/common';
import { HealthRegistry } from './health/health-registry';
import { ShutdownState } from './shutdown/shutdown-state';

/** Process-wide helpers every module may inject. */
@Global()
@Module({ providers: [ShutdownState, HealthRegistry], exports: [ShutdownState, HealthRegistry] })
export class CommonModule {}
