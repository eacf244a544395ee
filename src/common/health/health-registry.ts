import { Injectable } from '@nestjs/common';

export interface CircuitBreakerStatus {
  name: string;
  state: 'closed' | 'open' | 'half_open';
  failure_count: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  hit_rate: number;
  keys_count: number;
}

/** Which gateway new checkouts go to right now (payments reports it). */
export interface GatewayRoutingStatus {
  primary: string;
  failover_enabled: boolean;
  /** The gateway a new checkout would be opened at now. */
  current: string;
  failed_over: boolean;
}

/**
 * Where feature modules report what /health/status shows (breakers, cache counters), so the health
 * module needs no import from any feature module.
 */
@Injectable()
export class HealthRegistry {
  private readonly breakerSources: Array<() => CircuitBreakerStatus[]> = [];
  private cacheSource: () => Promise<CacheStats> = async () => ({
    hits: 0,
    misses: 0,
    hit_rate: 0,
    keys_count: 0,
  });

  private routingSource: (() => GatewayRoutingStatus) | null = null;

  setRoutingSource(source: () => GatewayRoutingStatus): void {
    this.routingSource = source;
  }

  gatewayRouting(): GatewayRoutingStatus | null {
    return this.routingSource ? this.routingSource() : null;
  }

  addBreakerSource(source: () => CircuitBreakerStatus[]): void {
    this.breakerSources.push(source);
  }

  setCacheStatsSource(source: () => Promise<CacheStats>): void {
    this.cacheSource = source;
  }

  circuitBreakers(): CircuitBreakerStatus[] {
    return this.breakerSources.flatMap((s) => s());
  }

  cacheStats(): Promise<CacheStats> {
    return this.cacheSource();
  }
}
