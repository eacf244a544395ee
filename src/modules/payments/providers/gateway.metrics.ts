import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';

export const gatewayCalls = new Counter({
  name: 'gateway_calls_total',
  help: 'Payment gateway API calls by provider, operation and outcome',
  labelNames: ['provider', 'operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const gatewayCallDuration = new Histogram({
  name: 'gateway_call_duration_seconds',
  help: 'Payment gateway API call latency by provider and operation',
  labelNames: ['provider', 'operation'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
