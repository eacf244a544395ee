import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { AppError } from 'src/common/errors/app-error';
import type { AuthUser } from 'src/common/decorators/current-user.decorator';
import type { Role } from '../users/role';
import { SessionsService } from './sessions.service';
import { AuthErrors } from './auth.errors';
import { VerifiedTokens } from './verified-tokens';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

interface AccessClaims {
  sub: string;
  role: Role;
  typ: 'access';
  /** The session (= refresh-token family) the token belongs to; revoking it ends the token. */
  sid: string;
  /** Set by the signer (JWT_ACCESS_TTL); a token without it is refused. */
  exp?: number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
// A few MB at most (a token is a few hundred bytes); well above one instance's active users.
const VERIFIED_TOKENS_MAX = 10_000;

/** Issues access JWTs and opaque, rotating refresh tokens with family-wide reuse detection. */
@Injectable()
export class TokenService {
  private readonly verified = new VerifiedTokens(VERIFIED_TOKENS_MAX);

  constructor(
    private readonly jwt: JwtService,
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly sessions: SessionsService,
  ) {}

  /**
   * A new access + refresh token pair. Without `sessionId` it starts a new session (login, register);
   * with one (refresh) it continues that session's family.
   */
  async issue(user: { id: string; role: Role }, sessionId?: string): Promise<TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    const rows = await this.db.query<Array<{ family_id: string }>>(
      sessionId
        ? `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
           VALUES ($1, $4, $2, now() + make_interval(secs => $3)) RETURNING family_id`
        : `WITH s AS (INSERT INTO auth_sessions (user_id) VALUES ($1) RETURNING id)
           INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
           SELECT $1, s.id, $2, now() + make_interval(secs => $3) FROM s RETURNING family_id`,
      [
        user.id,
        sha256(refreshToken),
        this.cfg.auth.refreshTtlSeconds,
        ...(sessionId ? [sessionId] : []),
      ],
    );
    const accessToken = await this.jwt.signAsync({
      sub: user.id,
      role: user.role,
      typ: 'access',
      sid: rows[0].family_id,
    } satisfies AccessClaims);
    return { accessToken, refreshToken };
  }

  /**
   * The caller named by a signed, unexpired access token of a session, or null. Whether the session
   * is still live is the auth guard's second step (`SessionsService.activeRole`).
   */
  verifyAccess(token: string): AuthUser | null {
    const known = this.verified.get(token);
    if (known) return known;
    try {
      const claims = this.jwt.verify<AccessClaims>(token);
      if (
        claims.typ !== 'access' ||
        typeof claims.sub !== 'string' ||
        typeof claims.sid !== 'string' ||
        // jsonwebtoken accepts a token without `exp` as never expiring: never here.
        typeof claims.exp !== 'number'
      )
        return null;
      // Frozen: the same object answers every request that carries this token.
      const user: AuthUser = Object.freeze({
        id: claims.sub,
        role: claims.role,
        sessionId: claims.sid,
      });
      this.verified.remember(token, user, claims.exp);
      return user;
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
    // The session check closes a race with logout: a token minted while the session was being
    // revoked is refused here.
    const used = await this.db.query<[Array<{ user_id: string; family_id: string }>, number]>(
      `UPDATE refresh_tokens r SET used_at = now()
        WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
          AND EXISTS (SELECT 1 FROM auth_sessions s WHERE s.id = r.family_id AND s.revoked_at IS NULL)
        RETURNING user_id, family_id`,
      [hash],
    );
    const row = used[0][0];
    if (row) return { userId: row.user_id, familyId: row.family_id };

    const known = await this.db.query<
      Array<{ family_id: string; used_at: Date | null; revoked_at: Date | null }>
    >(`SELECT family_id, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1`, [hash]);
    if (known[0] && (known[0].used_at || known[0].revoked_at)) {
      await this.sessions.revokeFamily(known[0].family_id);
      throw new AppError(AuthErrors.REFRESH_TOKEN_REUSED);
    }
    throw new AppError(AuthErrors.INVALID_REFRESH_TOKEN);
  }

  /** Logout: ends the caller's session, and the family of a refresh token given too. */
  async revoke(user: AuthUser, refreshToken: string | undefined): Promise<void> {
    if (user.sessionId) await this.sessions.revoke(user.sessionId, user.id);
    if (!refreshToken) return;
    const rows = await this.db.query<Array<{ family_id: string }>>(
      `SELECT family_id FROM refresh_tokens WHERE token_hash = $1 AND user_id = $2`,
      [sha256(refreshToken), user.id],
    );
    if (rows[0] && rows[0].family_id !== user.sessionId)
      await this.sessions.revoke(rows[0].family_id, user.id);
  }
}
