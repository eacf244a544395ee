import { Counter } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry';

export const unitOfWorkRetries = new Counter({
  name: 'unit_of_work_retries_total',
  help: 'Transactions run again after a serialization failure (40001) or deadlock (40P01)',
  labelNames: ['name', 'code'] as const,
  registers: [metricsRegistry],
});

export const afterCommitFailures = new Counter({
  name: 'after_commit_hook_failures_total',
  help: 'After-commit hooks (realtime, cache, gateway follow-ups) that threw; the request still succeeded',
  labelNames: ['name'] as const,
  registers: [metricsRegistry],
});

export const idempotentEffectReplays = new Counter({
  name: 'idempotent_effect_replays_total',
  help: 'Keyed requests that found their effect already committed (a retry after a crash or timeout)',
  labelNames: ['name'] as const,
  registers: [metricsRegistry],
});
