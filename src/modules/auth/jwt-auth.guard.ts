import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../../common/errors/app-error';
import type { AuthedRequest, AuthUser } from '../../common/decorators/current-user.decorator';
import { IS_PUBLIC } from '../../common/decorators/public.decorator';
import { ROLES } from '../../common/decorators/roles.decorator';
import type { Role } from '../users/role';
import { ACCESS_COOKIE } from './auth-cookies';
import { TokenService } from './token.service';

/** Global guard: every route needs a valid access token (Bearer or `access` cookie) unless @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (ctx.getType() !== 'http') return true;
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const user = verifiedCaller(req, this.tokens);
    if (!user) throw AppError.unauthorized();
    req.user = user;

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(user.role)) throw AppError.forbidden();
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
