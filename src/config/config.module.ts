import { Global, Module } from '@nestjs/common';
import { loadConfig } from './app-config';
import { APP_CONFIG } from './config.token';

/** Provides the validated `AppConfig` under `APP_CONFIG`; read once per application instance. */
@Global()
@Module({
  providers: [{ provide: APP_CONFIG, useFactory: () => loadConfig(process.env, { server: true }) }],
  exports: [APP_CONFIG],
})
export class AppConfigModule {}
