import { Global, Module, OnModuleInit } from '@nestjs/common';
import { ScheduledJobsService } from 'src/modules/scheduling/scheduled-jobs.service';
import { SchedulingModule } from 'src/modules/scheduling/scheduling.module';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

/** Makes `@Idempotent()` usable on any controller, and purges keys past retention every hour. */
@Global()
@Module({
  imports: [SchedulingModule],
  providers: [IdempotencyStore, IdempotencyInterceptor],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule implements OnModuleInit {
  constructor(
    private readonly jobs: ScheduledJobsService,
    private readonly store: IdempotencyStore,
  ) {}

  onModuleInit(): void {
    this.jobs.register({
      name: 'idempotency-purge',
      schedule: '15 * * * *',
      description: 'Delete Idempotency-Key records older than the 24 h retention',
      handler: async () => ({ purged: await this.store.purgeExpired() }),
    });
  }
}
