import { Counter } from 'prom-client';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';

export const checkoutsOpened = new Counter({
  name: 'gateway_checkouts_total',
  help: 'Checkouts opened per gateway and purpose (failed_over: opened at the other gateway)',
  labelNames: ['provider', 'purpose', 'failed_over'] as const,
  registers: [metricsRegistry],
});

export const checkoutFailovers = new Counter({
  name: 'gateway_failovers_total',
  help: 'New checkouts sent to the other gateway, by the gateway they left and why',
  labelNames: ['from', 'to', 'reason'] as const,
  registers: [metricsRegistry],
});
