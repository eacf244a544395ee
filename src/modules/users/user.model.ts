import type { Role } from './role';

/** A `users` row without its password hash (a plain row mapped by UsersService, ADR 0115). */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Set by an operator to lock the account: no sign-in, and its sessions stop working. */
  disabledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Only for login: the row with its argon2id hash. */
export interface UserWithHash extends User {
  passwordHash: string;
}

export interface UserResponse {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export function toUserResponse(u: User): UserResponse {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    createdAt: u.createdAt.toISOString(),
  };
}
