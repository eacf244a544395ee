import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { AppError } from '../../common/errors/app-error';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import type { Role } from '../users/role';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface AccessClaims {
  sub: string;
  role: Role;
  typ: 'access';
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Issues access JWTs and opaque, rotating refresh tokens with family-wide reuse detection. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  async issue(
    user: { id: string; role: Role },
    familyId: string = randomUUID(),
  ): Promise<TokenPair> {
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      role: user.role,
      typ: 'access',
    } satisfies AccessClaims);
    const refreshToken = randomBytes(32).toString('base64url');
    await this.db.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [user.id, familyId, sha256(refreshToken), this.cfg.auth.refreshTtlSeconds],
    );
    return { accessToken, refreshToken };
  }

  verifyAccess(token: string): AuthUser | null {
    try {
      const claims = this.jwt.verify<AccessClaims>(token);
      if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
      return { id: claims.sub, role: claims.role };
    } catch {
      return null;
    }
  }

  /**
   * Consumes a refresh token exactly once. A second use of the same token (a stolen copy, or a replay)
   * revokes its whole family so neither holder can continue.
   */
  async rotate(refreshToken: string): Promise<{ userId: string; familyId: string }> {
    const hash = sha256(refreshToken);
    const used = await this.db.query<[Array<{ user_id: string; family_id: string }>, number]>(
      `UPDATE refresh_tokens SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
        RETURNING user_id, family_id`,
      [hash],
    );
    const row = used[0][0];
    if (row) return { userId: row.user_id, familyId: row.family_id };

    const known = await this.db.query<
      Array<{ family_id: string; used_at: Date | null; revoked_at: Date | null }>
    >(`SELECT family_id, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1`, [hash]);
    if (known[0] && (known[0].used_at || known[0].revoked_at)) {
      await this.revokeFamily(known[0].family_id);
      throw AppError.unauthorized(
        'REFRESH_TOKEN_REUSED',
        'Refresh token was already used; please sign in again',
      );
    }
    throw AppError.unauthorized('INVALID_REFRESH_TOKEN', 'Refresh token is invalid or expired');
  }

  /** Revokes the family of the given refresh token (logout). Unknown tokens are ignored. */
  async revoke(refreshToken: string, userId: string): Promise<void> {
    await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now()
        WHERE revoked_at IS NULL AND user_id = $2
          AND family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = $1)`,
      [sha256(refreshToken), userId],
    );
  }

  private async revokeFamily(familyId: string): Promise<void> {
    await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId],
    );
  }
}
