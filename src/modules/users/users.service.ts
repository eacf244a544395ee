import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { pgPoolOf } from 'src/common/database/pg-pool';
import { AppError } from 'src/common/errors/app-error';
import { UserErrors } from './users.errors';
import { isUuid } from 'src/common/ids/uuid';
import { hashPassword } from './password';
import type { Role } from './role';
import type { User, UserResponse, UserWithHash } from './user.model';

const UNIQUE_VIOLATION = '23505';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  password_hash?: string;
}

const USER_COLUMNS = 'id, email, name, role, disabled_at, created_at, updated_at';

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    disabledAt: r.disabled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface ProfileRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

@Injectable()
export class UsersService {
  private readonly pool: Pool;

  constructor(private readonly ds: DataSource) {
    this.pool = pgPoolOf(ds);
  }

  async create(input: {
    email: string;
    password: string;
    name: string;
    role: Role;
  }): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    try {
      const [row] = await this.ds.query<UserRow[]>(
        `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)
         RETURNING ${USER_COLUMNS}`,
        [input.email.trim().toLowerCase(), input.name.trim(), input.role, passwordHash],
      );
      return toUser(row);
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string }).code === UNIQUE_VIOLATION
      )
        throw new AppError(UserErrors.EMAIL_TAKEN, {
          message: 'An account with this email already exists',
        });
      throw err;
    }
  }

  async findById(id: string): Promise<User | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.ds.query<UserRow[]>(
      `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`,
      [id],
    );
    return row ? toUser(row) : null;
  }

  /**
   * The public profile by primary key, for `GET /api/auth/me` (every authenticated client calls it):
   * one named prepared statement on the pool, without the ORM's query building and entity mapping.
   */
  async findProfileById(id: string): Promise<UserResponse | null> {
    const res = await this.pool.query<ProfileRow>({
      name: 'users_profile_by_id',
      text: 'SELECT id, email, name, role, created_at FROM users WHERE id = $1',
      values: [id],
    });
    const row = res.rows[0];
    if (!row) return null;
    return {
      id: row.id,
      email: row.email,
      name: row.name,
      role: row.role,
      createdAt: row.created_at.toISOString(),
    };
  }

  /** Includes the password hash, for login only. */
  async findByEmailWithHash(email: string): Promise<UserWithHash | null> {
    const [row] = await this.ds.query<UserRow[]>(
      `SELECT ${USER_COLUMNS}, password_hash FROM users WHERE lower(email) = lower($1) LIMIT 1`,
      [email.trim()],
    );
    return row ? { ...toUser(row), passwordHash: row.password_hash ?? '' } : null;
  }
}
