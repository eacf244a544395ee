import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry } from '../health/health-registry';
import {
  BreakerPolicy,
  DEFAULT_BREAKER_POLICY,
  NamedCircuitBreaker,
  providerUnavailable,
} from './circuit-breaker';

/**
 * Errors may declare `countsAsBreakerFailure = false` (e.g. a gateway's 4xx validation answer) so that
 * a caller's mistake never trips the breaker guarding a healthy dependency.
 */
function isHarmless(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { countsAsBreakerFailure?: unknown }).countsAsBreakerFailure === false
  );
}

/** Every breaker of this process, by name; feeds /health/status and the admin routes. */
@Injectable()
export class CircuitBreakerRegistry implements OnApplicationShutdown {
  private readonly breakers = new Map<string, NamedCircuitBreaker>();

  constructor(health: HealthRegistry) {
    health.addBreakerSource(() =>
      this.list().map((b) => {
        const s = b.status();
        return { name: s.name, state: s.state, failure_count: s.failure_count };
      }),
    );
  }

  /** The breaker with this name, created on first use. */
  get(name: string, policy: Partial<BreakerPolicy> = {}): NamedCircuitBreaker {
    let b = this.breakers.get(name);
    if (!b) {
      b = new NamedCircuitBreaker(
        name,
        { ...DEFAULT_BREAKER_POLICY, ...policy },
        isHarmless,
        providerUnavailable,
      );
      this.breakers.set(name, b);
    }
    return b;
  }

  find(name: string): NamedCircuitBreaker | undefined {
    return this.breakers.get(name);
  }

  list(): NamedCircuitBreaker[] {
    return [...this.breakers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  onApplicationShutdown(): void {
    for (const b of this.breakers.values()) b.shutdown();
  }
}
