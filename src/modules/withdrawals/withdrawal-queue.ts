import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';
import { TransactionsRepository } from '../wallet/transactions.repository';

export interface AdminQueueState {
  /** PENDING withdrawals with no gateway payout: manual payouts and unknown outcomes. */
  waiting: number;
  /** Age in seconds of the oldest one (0 when none wait). */
  oldestAgeSeconds: number;
  oldestId: string | null;
}

let queueSource: () => Promise<AdminQueueState | undefined> = () => Promise.resolve(undefined);

// Read on each scrape so alerts see the queue even when no instance runs the warning job.
new Gauge({
  name: 'withdrawals_awaiting_admin',
  help: 'PENDING withdrawals without a gateway payout (manual payouts, unknown outcomes) waiting for an admin',
  registers: [metricsRegistry],
  async collect() {
    const state = await queueSource().catch(() => undefined);
    if (state) this.set(state.waiting);
  },
});
new Gauge({
  name: 'withdrawals_awaiting_admin_oldest_age_seconds',
  help: 'Age of the oldest withdrawal waiting for an admin (0 when none)',
  registers: [metricsRegistry],
  async collect() {
    const state = await queueSource().catch(() => undefined);
    if (state) this.set(state.oldestAgeSeconds);
  },
});

/** The admin payout queue: what waits for a person, for metrics and a periodic warning. */
@Injectable()
export class WithdrawalQueue {
  private readonly logger = new Logger('Withdrawals');

  constructor(
    private readonly ds: DataSource,
    private readonly transactions: TransactionsRepository,
  ) {
    // Only whether the pool is up: a scrape before the database connects reports nothing.
    queueSource = () => (this.ds.isInitialized ? this.state() : Promise.resolve(undefined));
  }

  async state(): Promise<AdminQueueState> {
    const s = await this.transactions.awaitingAdmin();
    return { waiting: s.waiting, oldestAgeSeconds: s.ageSeconds ?? 0, oldestId: s.oldestId };
  }

  /** Scheduled: one warning line while anything waits, so log-based alerting sees it too. */
  async warnIfWaiting(): Promise<{ waiting: number; oldestAgeSeconds: number }> {
    const s = await this.state();
    if (s.waiting > 0)
      this.logger.warn(
        `${s.waiting} withdrawal(s) waiting for an admin to approve or reject; oldest ${formatAge(s.oldestAgeSeconds)} (${s.oldestId})`,
      );
    return { waiting: s.waiting, oldestAgeSeconds: s.oldestAgeSeconds };
  }
}

export function formatAge(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m` : `${seconds}s`;
}
