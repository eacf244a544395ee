import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

export const cacheRequestsTotal = new Counter({
  name: 'cache_requests_total',
  help: 'Query cache lookups by result (hit, miss) and store errors',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});

let cacheKeysSource: () => Promise<number> = async () => 0;
/** The query cache registers how to count its keys; read on each scrape. */
export function setCacheKeysSource(source: () => Promise<number>): void {
  cacheKeysSource = source;
}

export const cacheKeys = new Gauge({
  name: 'cache_keys',
  help: 'Keys held in the query cache namespace',
  registers: [metricsRegistry],
  async collect() {
    this.set(await cacheKeysSource());
  },
});

export interface DbPoolCounts {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}
let dbPoolSource: () => DbPoolCounts | undefined = () => undefined;
export function setDbPoolSource(source: () => DbPoolCounts | undefined): void {
  dbPoolSource = source;
}

export const dbPoolConnections = new Gauge({
  name: 'db_pool_connections',
  help: 'PostgreSQL pool connections by state (total, idle, waiting clients) and the pool maximum',
  labelNames: ['state'] as const,
  registers: [metricsRegistry],
  collect() {
    const counts = dbPoolSource();
    if (!counts) return;
    this.set({ state: 'total' }, counts.total);
    this.set({ state: 'idle' }, counts.idle);
    this.set({ state: 'waiting' }, counts.waiting);
    this.set({ state: 'max' }, counts.max);
  },
});
