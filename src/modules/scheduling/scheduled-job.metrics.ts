import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';

export const jobRunsTotal = new Counter({
  name: 'scheduled_job_runs_total',
  help: 'Scheduled job runs by job and outcome (skipped = another instance held the lock)',
  labelNames: ['job', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const jobRunDuration = new Histogram({
  name: 'scheduled_job_run_duration_seconds',
  help: 'Scheduled job run duration',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});
