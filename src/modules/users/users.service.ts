import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import * as argon2 from 'argon2';
import type { Pool } from 'pg';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppError } from '../../common/errors/app-error';
import type { Role } from './role';
import { User, type UserResponse } from './user.entity';
import { UserErrors } from './users.errors';

const UNIQUE_VIOLATION = '23505';

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

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    dataSource: DataSource,
  ) {
    this.pool = (dataSource.driver as PostgresDriver).master as Pool;
  }

  async create(input: {
    email: string;
    password: string;
    name: string;
    role: Role;
  }): Promise<User> {
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.users.save(
        this.users.create({
          email: input.email.trim().toLowerCase(),
          name: input.name.trim(),
          role: input.role,
          passwordHash,
        }),
      );
    } catch (err) {
      if (
        err instanceof QueryFailedError &&
        (err.driverError as { code?: string }).code === UNIQUE_VIOLATION
      )
        throw new AppError(UserErrors.EMAIL_TAKEN);
      throw err;
    }
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
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
  findByEmailWithHash(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }
}

export function hashPassword(password: string): Promise<string> {
  // argon2id with the library's OWASP-aligned defaults (m=64 MiB, t=3, p=4).
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}
