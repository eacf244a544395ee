import { Inject, Injectable } from '@nestjs/common';
import { REDIS_CLIENT, RedisClient } from 'src/common/redis/redis.module';

const WINDOW_SECONDS = 60;
/** Failed verifications one source IP may make per minute before it is refused outright. */
export const MAX_UNVERIFIED_PER_MINUTE = 20;

/**
 * Counts webhook deliveries that failed verification, per source key (IP; IPv6 by /64). Gateways sign
 * correctly, so a source producing many failures is probing for secrets: its failed attempts get 429
 * until the window passes. It is consulted only after a verification failed, so verified deliveries are
 * never limited (a gateway bursting retries, or sharing a proxy address with an attacker, gets through).
 */
@Injectable()
export class WebhookAttemptLimiter {
  private readonly local = new Map<string, { count: number; resetAt: number }>();

  constructor(@Inject(REDIS_CLIENT) private readonly redis: RedisClient) {}

  /** Seconds to wait if this IP is blocked, else 0. */
  async blockedFor(ip: string): Promise<number> {
    if (this.redis) {
      try {
        const [count, ttl] = await Promise.all([
          this.redis.get(this.key(ip)),
          this.redis.ttl(this.key(ip)),
        ]);
        return Number(count ?? 0) >= MAX_UNVERIFIED_PER_MINUTE ? Math.max(1, ttl) : 0;
      } catch {
        // Redis down: fall through to the in-process counter.
      }
    }
    const e = this.local.get(ip);
    if (!e || e.resetAt <= Date.now()) return 0;
    return e.count >= MAX_UNVERIFIED_PER_MINUTE ? Math.ceil((e.resetAt - Date.now()) / 1000) : 0;
  }

  async recordFailure(ip: string): Promise<void> {
    if (this.redis) {
      try {
        const n = await this.redis.incr(this.key(ip));
        if (n === 1) await this.redis.expire(this.key(ip), WINDOW_SECONDS);
        return;
      } catch {
        // fall back below
      }
    }
    const now = Date.now();
    const e = this.local.get(ip);
    if (!e || e.resetAt <= now)
      this.local.set(ip, { count: 1, resetAt: now + WINDOW_SECONDS * 1000 });
    else e.count += 1;
    if (this.local.size > 10_000)
      for (const [k, v] of this.local) if (v.resetAt <= now) this.local.delete(k);
  }

  private key(ip: string): string {
    return `webhook-unverified:${ip}`;
  }
}
