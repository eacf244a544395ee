import { ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  normalizeIp,
  ThrottlerGuard,
  ThrottlerModuleOptions,
  ThrottlerRequest,
  ThrottlerStorage,
} from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error';
import type { AuthedRequest } from '../decorators/current-user.decorator';
import { rateLimitedTotal } from '../metrics/metrics.registry';
import { RATE_LIMIT_ALSO_BY, RATE_LIMIT_CATEGORY, RateLimitCategory } from './rate-limit.decorator';
import { REQUEST_IDENTITY, RequestIdentity } from './request-identity';
import { CommonErrors } from '../errors/common.errors';

/**
 * One named throttler per category is registered; this guard enforces only the one matching the route
 * (its @RateLimit category, else api_read for GET/HEAD and api_write otherwise). The budget is per
 * category and caller — all `auth` routes share one counter — so it holds whichever route is hit.
 * Callers are tracked by user id when they present a valid access token, else by client IP; the
 * `auth` category always by client IP, and login also by target email (`@RateLimitAlsoBy`). Otherwise by client IP
 * (X-Forwarded-For honoured only from TRUSTED_PROXIES, through Express's `trust proxy`). It runs
 * before the auth guard, so requests failing authentication are limited too.
 * Per-route limits: `@Throttle({ auth: {...} })`.
 */
@Injectable()
export class CategoryThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Optional() @Inject(REQUEST_IDENTITY) private readonly identity?: RequestIdentity,
  ) {
    super(options, storage, reflector);
  }

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    // Only the route's own category applies: skip the other throttlers before the base class
    // resolves their limit, ttl, block and tracker metadata on every request.
    this.throttlers = this.throttlers.map((t) => {
      const skipIf = t.skipIf ?? this.commonOptions.skipIf;
      return {
        ...t,
        skipIf: (ctx: ExecutionContext) => this.categoryOf(ctx) !== t.name || !!skipIf?.(ctx),
      };
    });
  }

  /** Exempt routes (`@RateLimit('none')`: health, metrics, webhooks) cost nothing. */
  protected override shouldSkip(ctx: ExecutionContext): Promise<boolean> {
    return Promise.resolve(this.categoryOf(ctx) === 'none');
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, blockDuration, throttler } = props;
    const category = this.categoryOf(context);
    if (category === 'none' || throttler.name !== category) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    // Auth routes count per client IP whatever credentials come along: a Bearer token must not turn
    // password guessing into a per-user budget the attacker controls.
    const tracker =
      category === 'auth' ? clientIpTracker(req) : await props.getTracker(req, context);
    const keys = [props.generateKey(context, tracker, category)];
    const field = this.reflector.getAllAndOverride<string | undefined>(RATE_LIMIT_ALSO_BY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const value = field ? bodyValue(req, field) : undefined;
    if (field && value !== undefined)
      keys.push(props.generateKey(context, `${field}:${digest(value)}`, category));
    const records = await Promise.all(
      keys.map((key) => this.storageService.increment(key, ttl, limit, blockDuration, category)),
    );
    const blocked = records.find((r) => r.isBlocked);
    // The tightest budget is the one reported.
    const record =
      blocked ?? records.reduce((a, b) => (b.totalHits > a.totalHits ? b : a), records[0]);
    if (record.isBlocked) {
      rateLimitedTotal.inc({ category });
      const retryAfter = Math.max(1, Math.ceil(record.timeToBlockExpire));
      throw new AppError(CommonErrors.RATE_LIMITED, {
        headers: {
          'Retry-After': String(retryAfter),
          'X-RateLimit-Limit': String(limit),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(retryAfter),
        },
      });
    }
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - record.totalHits)));
    res.setHeader('X-RateLimit-Reset', String(Math.max(0, Math.ceil(record.timeToExpire))));
    return true;
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as AuthedRequest;
    const user = r.user ?? this.identity?.(r);
    if (user) return `user:${user.id}`;
    return clientIpTracker(r);
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

/** `req.ip` already resolves X-Forwarded-For through trusted proxies only; IPv6 grouped by /64. */
function clientIpTracker(r: { ip?: string; socket?: { remoteAddress?: string } }): string {
  const ip = r.ip ?? r.socket?.remoteAddress ?? 'unknown';
  return `ip:${normalizeIp(ip.startsWith('::ffff:') ? ip.slice(7) : ip)}`;
}

/** A body field as the key of a second budget: trimmed and lower-cased (emails), capped in length. */
function bodyValue(req: Request, field: string): string | undefined {
  const body = req.body as Record<string, unknown> | undefined;
  const v = body && typeof body === 'object' ? body[field] : undefined;
  return typeof v === 'string' && v.trim() !== ''
    ? v.trim().toLowerCase().slice(0, 320)
    : undefined;
}

/** Keys hold a digest, never the email itself. */
const digest = (v: string) =>
  createHash('sha256').update(v, 'utf8').digest('base64url').slice(0, 32);
