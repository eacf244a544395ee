import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail, ThrottlerRequest } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppError } from '../errors/app-error';
import type { AuthedRequest } from '../decorators/current-user.decorator';
import { RATE_LIMIT_CATEGORY, RateLimitCategory } from './rate-limit.decorator';

/**
 * One named throttler per category is registered; this guard enforces only the one matching the route
 * (its @RateLimit category, else api_read for GET/HEAD and api_write otherwise). Callers are tracked by
 * user id when authenticated, else by client IP (X-Forwarded-For honoured only from trusted proxies,
 * through Express's `trust proxy`).
 */
@Injectable()
export class CategoryThrottlerGuard extends ThrottlerGuard {
  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const category = this.categoryOf(props.context);
    if (category === 'none' || props.throttler.name !== category) return true;
    return super.handleRequest(props);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    return r.user ? `user:${r.user.id}` : `ip:${r.ip ?? r.socket?.remoteAddress ?? 'unknown'}`;
  }

  protected override async throwThrottlingException(
    _ctx: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new AppError(429, 'RATE_LIMITED', 'Too many requests; try again later', undefined, {
      'Retry-After': String(retryAfter),
    });
  }

  private categoryOf(ctx: ExecutionContext): RateLimitCategory | 'none' {
    if (ctx.getType() !== 'http') return 'none';
    const explicit = this.reflector.getAllAndOverride<RateLimitCategory | 'none' | undefined>(
      RATE_LIMIT_CATEGORY,
      [ctx.getHandler(), ctx.getClass()],
    );
    if (explicit) return explicit;
    const method = ctx.switchToHttp().getRequest<Request>().method;
    return method === 'GET' || method === 'HEAD' ? 'api_read' : 'api_write';
  }
}
