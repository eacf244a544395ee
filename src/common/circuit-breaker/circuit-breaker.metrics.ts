import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '../metrics/metrics.registry';

/** 0 closed, 1 half-open, 2 open. */
export const breakerStateGauge = new Gauge({
  name: 'circuit_breaker_state',
  help: 'Circuit breaker state by name (0 closed, 1 half-open, 2 open)',
  labelNames: ['name'] as const,
  registers: [metricsRegistry],
});

export const breakerFailuresGauge = new Gauge({
  name: 'circuit_breaker_consecutive_failures',
  help: 'Consecutive failures counted by each circuit breaker',
  labelNames: ['name'] as const,
  registers: [metricsRegistry],
});

export const breakerTransitions = new Counter({
  name: 'circuit_breaker_transitions_total',
  help: 'Circuit breaker state transitions by name and new state',
  labelNames: ['name', 'to'] as const,
  registers: [metricsRegistry],
});

export const breakerCalls = new Counter({
  name: 'circuit_breaker_calls_total',
  help: 'Calls through a circuit breaker by name and outcome (success, failure, rejected)',
  labelNames: ['name', 'outcome'] as const,
  registers: [metricsRegistry],
});
