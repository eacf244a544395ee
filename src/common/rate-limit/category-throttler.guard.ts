import { ExecutionContext, Injectable } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';
import type { AuthedRequest } from '../decorators/current-user.decorator';
import { rateLimitedTotal } from '../metrics/metrics.registry';
import { RATE_LIMIT_CATEGORY, RateLimitCategory } from './rate-limit.decorator';

/**
 * One named throttler per category is registered; this guard enforces only the one matching the route
 * (its @RateLimit category, else api_read for GET/HEAD and api_write otherwise). The budget is per
 * category and caller — all `auth` routes share one counter — so it holds whichever route is hit.
 * Callers are tracked by user id when authenticated, else by client IP (X-Forwarded-For honoured only
 * from TRUSTED_PROXIES, through Express's `trust proxy`). Per-route limits: `@Throttle({ auth: {...} })`.
 */
@Injectable()
export class CategoryThrottlerGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, blockDuration, throttler } = props;
    const category = this.categoryOf(context);
    if (category === 'none' || throttler.name !== category) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const tracker = await props.getTracker(req, context);
    const key = props.generateKey(context, tracker, category);
    const record = await this.storageService.increment(key, ttl, limit, blockDuration, category);
    if (record.isBlocked) {
      rateLimitedTotal.inc({ category });
      const retryAfter = Math.max(1, Math.ceil(record.timeToBlockExpire));
      throw new AppError(429, 'RATE_LIMITED', 'Too many requests; try again later', undefined, {
        'Retry-After': String(retryAfter),
        'X-RateLimit-Limit': String(limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(retryAfter),
      });
    }
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
    res.setHeader('X-RateLimit-Reset', String(Math.max(0, Math.ceil(record.timeToExpire))));
    return true;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    if (r.user) return `user:${r.user.id}`;
    // `req.ip` already resolves X-Forwarded-For through trusted proxies only; IPv6 grouped by /64.
    const ip = r.ip ?? r.socket?.remoteAddress ?? 'unknown';
    return `ip:${normalizeIp(ip.startsWith('::ffff:') ? ip.slice(7) : ip)}`;
  }

  /** Readable, instance-independent keys: every instance on one Redis counts in the same place. */
  protected override generateKey(_ctx: ExecutionContext, tracker: string, name: string): string {
    return `rl:${name}:${tracker}`;
  }

  private categoryOf(ctx: ExecutionContext): RateLimitCategory | 'none' {
    if (ctx.getType() !== 'http') return 'none';
    const explicit = this.reflector.getAllAndOverride<RateLimitCategory | 'none' | undefined>(
      RATE_LIMIT_CATEGORY,
      [ctx.getHandler(), ctx.getClass()],
    );
    if (explicit) return explicit;
    const method = ctx.switchToHttp().getRequest<Request>().method;
    return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'api_read' : 'api_write';
  }
}
