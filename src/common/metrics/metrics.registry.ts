import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One registry per process. Metrics are module-level singletons so decorators and services can
 * record without injection; a second app instance in the same process (tests) shares them.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const operationDuration = new Histogram({
  name: 'operation_duration_seconds',
  help: 'Duration of @Timed operations by name and outcome',
  labelNames: ['name', 'outcome'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const rateLimitedTotal = new Counter({
  name: 'rate_limited_requests_total',
  help: 'Requests refused with 429 by rate-limit category',
  labelNames: ['category'] as const,
  registers: [metricsRegistry],
});
