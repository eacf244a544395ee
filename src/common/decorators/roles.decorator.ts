import { SetMetadata } from '@nestjs/common';
import type { Role } from 'src/modules/users/role';

export const ROLES = 'auth:roles';
/** Restricts a route (or controller) to the given roles. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
