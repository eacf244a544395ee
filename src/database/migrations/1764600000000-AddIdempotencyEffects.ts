import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The effects a keyed request committed, by step name, written in the same transaction as the effect
 * (ADR 0060): a retry after a crash finds them and returns the committed outcome instead of running
 * the effect again.
 */
export class AddIdempotencyEffects1764600000000 implements MigrationInterface {
  name = 'AddIdempotencyEffects1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN effects jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN effects`);
  }
}
