import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { REDIS_CLIENT, RedisClient } from 'src/common/redis/redis.module';
import { ShutdownState } from 'src/common/shutdown/shutdown-state';
import { HealthRegistry } from 'src/common/health/health-registry';
import { DatabaseOutage, type PoolLike } from 'src/common/database/database-outage';

const startedAt = Date.now();

async function timed<T>(
  fn: () => Promise<T>,
  timeoutMs = 2_000,
): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return { ok: true, ms: Math.round((performance.now() - t0) * 100) / 100 };
  } catch {
    return { ok: false, ms: Math.round((performance.now() - t0) * 100) / 100 };
  }
}

const PROBE_CACHE_MS = 1_000;
type Probes = [
  { ok: boolean; ms: number },
  { ok: boolean; ms: number },
  Awaited<ReturnType<HealthRegistry['cacheStats']>>,
];

@Injectable()
export class HealthStatusService implements OnModuleInit {
  private last?: { at: number; value: Promise<Probes> };

  constructor(
    private readonly ds: DataSource,
    private readonly indicator: HealthIndicatorService,
    private readonly shutdown: ShutdownState,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly contributors: HealthRegistry,
    private readonly outage: DatabaseOutage,
  ) {}

  onModuleInit(): void {
    // While an outage is on, DatabaseOutage probes with this until the database answers again.
    this.outage.setProbe(() => this.ds.query('SELECT 1'));
    this.outage.watchPool((this.ds.driver as unknown as { master: PoolLike }).master);
  }

  /** Readiness: the database answers (money requests can be served). */
  async databaseIndicator() {
    const check = this.indicator.check('database');
    const r = await this.pingDatabase();
    return r.ok ? check.up() : check.down({ message: 'PostgreSQL did not answer' });
  }

  private async pingDatabase() {
    const r = await timed(() => this.ds.query('SELECT 1'));
    if (r.ok) this.outage.reachable();
    return r;
  }

  /**
   * The public status. Its costly part (database and Redis probes, cache statistics) runs at most once
   * a second per instance however often the route is polled (it is also rate-limited); breakers and
   * shutdown are read live.
   */
  async snapshot() {
    const [db, cache, cacheStats] = await this.probes();
    const breakers = this.contributors.circuitBreakers();
    const cacheState = this.redis ? (cache.ok ? 'up' : 'down') : 'memory';
    const status =
      !db.ok || this.shutdown.isShuttingDown
        ? 'unhealthy'
        : cacheState === 'down' || breakers.some((b) => b.state !== 'closed')
          ? 'degraded'
          : 'healthy';
    return {
      status,
      checks: {
        database: db.ok ? 'up' : 'down',
        database_latency_ms: db.ms,
        cache: cacheState,
        cache_latency_ms: cache.ms,
        cache_stats: cacheStats,
        circuit_breakers: breakers,
        gateway_routing: this.contributors.gatewayRouting(),
      },
      version: this.cfg.app.version,
      uptime_s: Math.round((Date.now() - startedAt) / 1000),
    };
  }

  private probes(): Promise<Probes> {
    const now = Date.now();
    if (this.last && now - this.last.at < PROBE_CACHE_MS) return this.last.value;
    const value = Promise.all([
      this.pingDatabase(),
      this.redis ? timed(async () => this.redis?.ping()) : Promise.resolve({ ok: true, ms: 0 }),
      this.contributors.cacheStats(),
    ]);
    this.last = { at: now, value };
    // A failed computation is not kept for the next caller.
    value.catch(() => (this.last = undefined));
    return value;
  }
}
