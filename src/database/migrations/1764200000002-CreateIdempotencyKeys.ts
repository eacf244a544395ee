import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Key store: the unique constraint is the guarantee (Redis is never relied upon). */
export class CreateIdempotencyKeys1764200000002 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1764200000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        id bigserial PRIMARY KEY,
        scope text NOT NULL,
        route text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN ('IN_PROGRESS','COMPLETED')),
        locked_until timestamptz NOT NULL,
        response_status integer,
        response_content_type text,
        response_body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        expires_at timestamptz NOT NULL,
        CONSTRAINT idempotency_keys_scope_route_key_uq UNIQUE (scope, route, key),
        CONSTRAINT idempotency_keys_completed_ck CHECK ((status = 'COMPLETED') = (response_status IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
