import { Global, Inject, Module } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { armCrashPoints } from '../crash/crash-points';
import { UnitOfWork } from './unit-of-work';

/** The unit of work every money flow uses; also arms the test-only crash points from the config. */
@Global()
@Module({ providers: [UnitOfWork], exports: [UnitOfWork] })
export class UnitOfWorkModule {
  constructor(@Inject(APP_CONFIG) cfg: AppConfig) {
    armCrashPoints(cfg.app.isProduction ? [] : cfg.switches.crashPoints);
  }
}
