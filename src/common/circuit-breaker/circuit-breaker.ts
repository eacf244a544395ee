import CircuitBreaker from 'opossum';
import { AppError, retryAfter } from '../errors/app-error';
import type { CircuitBreakerStatus } from '../health/health-registry';
import {
  breakerCalls,
  breakerFailuresGauge,
  breakerStateGauge,
  breakerTransitions,
} from './circuit-breaker.metrics';
import { CommonErrors } from '../errors/common.errors';

export interface BreakerPolicy {
  /** Opens after this many consecutive counted failures. */
  consecutiveFailures: number;
  /** ...or when at least this share (0–1) of calls in the window failed... */
  errorRatio: number;
  /** ...once the window holds at least this many calls. */
  volumeThreshold: number;
  windowMs: number;
  /** How long it stays open before letting one probe through (half-open). */
  openMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  consecutiveFailures: 5,
  errorRatio: 0.5,
  volumeThreshold: 10,
  windowMs: 60_000,
  openMs: 60_000,
};

type Action = () => Promise<unknown>;

/**
 * One named breaker around opossum. opossum supplies the state machine (closed → open → half-open probe),
 * the rolling window and the timers; this adds the consecutive-failure rule, a filter for failures that
 * say nothing about the dependency's health (e.g. a 4xx validation error), metrics, and a reset that also
 * clears the window so old failures cannot re-open it at once.
 */
export class NamedCircuitBreaker {
  private breaker!: CircuitBreaker<[Action], unknown>;
  private consecutive = 0;
  private openedAt: number | null = null;

  constructor(
    readonly name: string,
    private readonly policy: BreakerPolicy,
    /** Returns true when the error must NOT count against the dependency. */
    private readonly isHarmless: (err: unknown) => boolean,
    /** Builds the error thrown while the breaker is open. */
    private readonly openError: (name: string, retryAfterSeconds: number) => Error,
  ) {
    this.build();
  }

  async fire<T>(action: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(action)) as T;
    } catch (err) {
      if (err instanceof Error && (err as { code?: string }).code === 'EOPENBREAKER') {
        breakerCalls.inc({ name: this.name, outcome: 'rejected' });
        throw this.openError(this.name, this.retryAfterSeconds());
      }
      throw err;
    }
  }

  get state(): CircuitBreakerStatus['state'] {
    if (this.breaker.halfOpen) return 'half_open';
    return this.breaker.opened ? 'open' : 'closed';
  }

  status(): CircuitBreakerStatus & {
    window: { calls: number; failures: number };
    openedAt: string | null;
  } {
    const s = this.breaker.stats;
    return {
      name: this.name,
      state: this.state,
      failure_count: this.consecutive,
      window: { calls: s.fires, failures: s.failures },
      openedAt: this.openedAt === null ? null : new Date(this.openedAt).toISOString(),
    };
  }

  /** Seconds until the breaker lets a probe through (at least 1). */
  retryAfterSeconds(): number {
    if (this.openedAt === null) return 1;
    return Math.max(1, Math.ceil((this.openedAt + this.policy.openMs - Date.now()) / 1000));
  }

  /** Operator action: close now and forget the window. */
  reset(): void {
    this.breaker.shutdown();
    this.consecutive = 0;
    this.openedAt = null;
    this.build();
    this.record('closed');
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private build(): void {
    const b = new CircuitBreaker<[Action], unknown>((action: Action) => action(), {
      timeout: false, // callers bound their own I/O (AbortSignal), so a timeout is a real failure
      resetTimeout: this.policy.openMs,
      rollingCountTimeout: this.policy.windowMs,
      rollingCountBuckets: 10,
      // The ratio rule is applied below (opossum compares with ">", the policy says ">=").
      errorThresholdPercentage: 100,
      volumeThreshold: Number.MAX_SAFE_INTEGER,
      enableSnapshots: false,
      errorFilter: (err: unknown) => this.isHarmless(err),
      name: this.name,
    });
    b.on('success', () => {
      this.consecutive = 0;
      breakerCalls.inc({ name: this.name, outcome: 'success' });
      breakerFailuresGauge.set({ name: this.name }, 0);
    });
    b.on('failure', () => {
      this.consecutive += 1;
      breakerCalls.inc({ name: this.name, outcome: 'failure' });
      breakerFailuresGauge.set({ name: this.name }, this.consecutive);
      if (b.opened) return;
      const s = b.stats;
      const ratioTripped =
        s.fires >= this.policy.volumeThreshold && s.failures / s.fires >= this.policy.errorRatio;
      // A failed half-open probe re-opens inside opossum itself.
      if (!b.halfOpen && (this.consecutive >= this.policy.consecutiveFailures || ratioTripped))
        b.open();
    });
    b.on('open', () => {
      this.openedAt = Date.now();
      this.record('open');
    });
    b.on('halfOpen', () => this.record('half_open'));
    b.on('close', () => {
      this.consecutive = 0;
      this.openedAt = null;
      this.record('closed');
    });
    this.breaker = b;
    breakerStateGauge.set({ name: this.name }, 0);
    breakerFailuresGauge.set({ name: this.name }, 0);
  }

  private record(to: CircuitBreakerStatus['state']): void {
    breakerTransitions.inc({ name: this.name, to });
    breakerStateGauge.set({ name: this.name }, to === 'closed' ? 0 : to === 'half_open' ? 1 : 2);
  }
}

export function providerUnavailable(name: string, retryAfterSeconds: number): AppError {
  return new AppError(CommonErrors.PROVIDER_UNAVAILABLE, {
    message: `The ${name} payment gateway is temporarily unavailable; try again later`,
    headers: retryAfter(retryAfterSeconds),
  });
}
