import { Counter } from 'prom-client';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';

export const webhookOutcomes = new Counter({
  name: 'webhook_events_total',
  help: 'Gateway webhooks by provider and outcome (PROCESSED, NO_OP, IGNORED, FLAGGED, UNCONFIRMED, ERROR, DUPLICATE, REJECTED)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [metricsRegistry],
});
