import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { pgPoolOf } from 'src/common/database/pg-pool';
import type { Role } from '../users/role';
import { SessionCheckCache } from './session-check.cache';

/**
 * How long an instance trusts its last answer about a session: a logout, a reuse-triggered family
 * revocation, a deleted or disabled account ends the session's access tokens within this time
 * everywhere (at once on the instance that revoked it), at one small query per session per period.
 */
export const SESSION_CHECK_TTL_MS = 5_000;
const SESSION_CHECK_MAX_ENTRIES = 100_000;

/**
 * Sign-in sessions (`auth_sessions`): one per login/registration, shared by the refresh-token family
 * it started (family id = session id) and named by every access token issued in it (`sid`).
 */
@Injectable()
export class SessionsService {
  private readonly pool: Pool;
  private readonly checks = new SessionCheckCache<Role | null>(
    SESSION_CHECK_TTL_MS,
    SESSION_CHECK_MAX_ENTRIES,
  );

  constructor(private readonly db: DataSource) {
    this.pool = pgPoolOf(db);
  }

  /**
   * The account's current role while the session is live (not revoked, account present and not
   * disabled); null otherwise. Cached per session for SESSION_CHECK_TTL_MS.
   */
  activeRole(sessionId: string, userId: string): Promise<Role | null> {
    return this.checks.get(`${sessionId}:${userId}`, async () => {
      // A named prepared statement on the pool: this runs for every session every few seconds.
      const res = await this.pool.query<{ role: Role }>({
        name: 'auth_session_active_role',
        text: `SELECT u.role FROM auth_sessions s JOIN users u ON u.id = s.user_id
                WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND u.disabled_at IS NULL`,
        values: [sessionId, userId],
      });
      return res.rows[0]?.role ?? null;
    });
  }

  /** Ends a session of this user and its refresh tokens. Unknown ids are ignored. */
  async revoke(sessionId: string, userId: string): Promise<void> {
    await this.db.query(
      `WITH s AS (
         UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, now())
          WHERE id = $1 AND user_id = $2 RETURNING id)
       UPDATE refresh_tokens SET revoked_at = now()
        WHERE family_id IN (SELECT id FROM s) AND revoked_at IS NULL`,
      [sessionId, userId],
    );
    this.checks.delete(`${sessionId}:${userId}`);
  }

  /** Reuse detection: ends the whole family (= session), whoever holds its tokens. */
  async revokeFamily(familyId: string): Promise<void> {
    const rows = await this.db.query<[Array<{ user_id: string }>, number]>(
      `UPDATE auth_sessions SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING user_id`,
      [familyId],
    );
    await this.db.query(
      `UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId],
    );
    for (const r of rows[0]) this.checks.delete(`${familyId}:${r.user_id}`);
  }
}
