import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from 'src/modules/users/role';

export interface AuthUser {
  id: string;
  role: Role;
  /** The sign-in session of the access token (absent only for callers built in tests). */
  sessionId?: string;
}

export type AuthedRequest = Request & { user?: AuthUser };

/** The authenticated caller, set by the global auth guard. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = ctx.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new Error('CurrentUser used on a public route');
  return user;
});
