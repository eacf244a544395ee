import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Admin-editable business knobs. One row (id = 1); until an admin saves it, the service serves the
 * defaults (10 % fee, PAYMENT_BUFFER_DAYS, withdrawal limits) so a fresh database needs no seed.
 */
export class CreatePlatformSettings1764500000000 implements MigrationInterface {
  name = 'CreatePlatformSettings1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE platform_settings (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        platform_fee_bps integer NOT NULL CHECK (platform_fee_bps BETWEEN 0 AND 5000),
        payment_buffer_days integer NOT NULL CHECK (payment_buffer_days BETWEEN 0 AND 365),
        withdrawal_min_amount bigint NOT NULL
          CHECK (withdrawal_min_amount BETWEEN 10000 AND 100000000000),
        withdrawal_daily_max_count integer NOT NULL
          CHECK (withdrawal_daily_max_count BETWEEN 1 AND 1000),
        withdrawal_daily_max_amount bigint NOT NULL
          CHECK (withdrawal_daily_max_amount BETWEEN withdrawal_min_amount AND 100000000000),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES users(id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE platform_settings`);
  }
}
