import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in sessions: access tokens carry the session id (`sid`) and refresh-token families are the
 * sessions, so logout and reuse detection end the access tokens too. `users.disabled_at` lets an
 * operator lock an account; its tokens stop working within the session-check cache's few seconds.
 */
export class CreateAuthSessions1764620000000 implements MigrationInterface {
  name = 'CreateAuthSessions1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN disabled_at timestamptz`);
    await q.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id)`);
    // Existing families become sessions; one with no usable refresh token left is already over.
    await q.query(`
      INSERT INTO auth_sessions (id, user_id, created_at, revoked_at)
      SELECT family_id, (array_agg(user_id))[1], min(created_at),
             CASE WHEN bool_or(used_at IS NULL AND revoked_at IS NULL AND expires_at > now())
                  THEN NULL ELSE now() END
        FROM refresh_tokens GROUP BY family_id`);
    await q.query(`
      ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_session_fk
        FOREIGN KEY (family_id) REFERENCES auth_sessions(id) ON DELETE CASCADE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_session_fk`);
    await q.query(`DROP TABLE auth_sessions`);
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at`);
  }
}
