import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from 'src/common/errors/app-error';
import type { AuthedRequest, AuthUser } from 'src/common/decorators/current-user.decorator';
import { IS_PUBLIC } from 'src/common/decorators/public.decorator';
import { ROLES } from 'src/common/decorators/roles.decorator';
import type { Role } from '../users/role';
import { ACCESS_COOKIE } from './auth-cookies';
import { SessionsService } from './sessions.service';
import { TokenService } from './token.service';
import type { Response } from 'express';
import { CommonErrors } from 'src/common/errors/common.errors';

/**
 * Global guard: every route needs a valid access token (Bearer or `access` cookie) of a live session
 * unless @Public(). The session check (revoked session, deleted or disabled account) is cached for a
 * few seconds per session, so the hot path pays a map lookup, not a query (SessionsService).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const http = ctx.switchToHttp();
    const req = http.getRequest<AuthedRequest>();
    const claimed = verifiedCaller(req, this.tokens);
    if (!claimed?.sessionId) throw new AppError(CommonErrors.UNAUTHORIZED);
    const role = await this.sessions.activeRole(claimed.sessionId, claimed.id);
    if (!role)
      throw new AppError(CommonErrors.UNAUTHORIZED, {
        message: 'Session has ended; sign in again',
      });
    // The account's current role, not the one frozen in the token.
    const user: AuthUser = { ...claimed, role };
    req.user = user;
    // Per-user answers must never be stored by browsers or shared caches.
    http.getResponse<Response>().setHeader('Cache-Control', 'no-store');

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw new AppError(CommonErrors.FORBIDDEN);
    return true;
  }
}

type CredentialCarrier = Parameters<typeof extractAccessToken>[0];

// One verification per request: the rate-limit guard (which keys by user) runs first and the auth
// guard reuses its answer. Keyed by the request object, so nothing outlives the request.
const verified = new WeakMap<object, AuthUser | null>();

/** The caller proven by the request's access token (Bearer or cookie), or null; verified once. */
export function verifiedCaller(req: CredentialCarrier, tokens: TokenService): AuthUser | null {
  const known = verified.get(req);
  if (known !== undefined) return known;
  const token = extractAccessToken(req);
  const user = token ? tokens.verifyAccess(token) : null;
  verified.set(req, user);
  return user;
}

export function extractAccessToken(req: {
  headers: Record<string, string | string[] | undefined>;
  cookies?: Record<string, string | undefined>;
}): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer '))
    return header.slice(7).trim() || undefined;
  return req.cookies?.[ACCESS_COOKIE] || undefined;
}
