import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { LedgerModule } from '../ledger.module';
import { LedgerHarnessController, LedgerHarnessEnabledGuard } from './ledger-harness.controller';
import { LedgerHarnessService } from './ledger-harness.service';

/** Database names the harness may run against (it can erase the whole ledger). */
export const SCRATCH_DATABASE = /^(test|scratch)/;

/**
 * Test-only `/_lck/*` routes. With LEDGER_TEST_API on, the app refuses to start unless the database
 * is a scratch one and the environment is not production; with it off the routes answer 404.
 */
@Module({
  imports: [LedgerModule],
  controllers: [LedgerHarnessController],
  providers: [LedgerHarnessService, LedgerHarnessEnabledGuard],
})
export class LedgerHarnessModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly ds: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.cfg.switches.ledgerTestApi) return;
    if (this.cfg.app.isProduction)
      throw new Error('LEDGER_TEST_API is never allowed in production');
    const [{ name }] = await this.ds.query<{ name: string }[]>('SELECT current_database() AS name');
    if (!SCRATCH_DATABASE.test(name))
      throw new Error(
        `LEDGER_TEST_API=1 needs a scratch database (name starting with "test" or "scratch"), not "${name}"`,
      );
  }
}
