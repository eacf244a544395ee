import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Payout accounts. GCash ones stay unverified until the ₱1 verification checkout is paid. */
export class CreatePaymentMethods1764400000001 implements MigrationInterface {
  name = 'CreatePaymentMethods1764400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE payment_methods (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        type text NOT NULL CHECK (type IN ('GCASH','MAYA','BANK')),
        account_name text NOT NULL,
        account_number text NOT NULL,
        bank_code text,
        is_primary boolean NOT NULL DEFAULT false,
        is_verified boolean NOT NULL DEFAULT false,
        verification_transaction_id uuid REFERENCES transactions(id),
        verified_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payment_methods_primary_verified_ck CHECK (NOT is_primary OR is_verified),
        CONSTRAINT payment_methods_bank_code_ck CHECK ((type = 'BANK') = (bank_code IS NOT NULL))
      )`);
    // One verified copy of an account per user; one primary per user.
    await q.query(`CREATE UNIQUE INDEX payment_methods_verified_account_uq
      ON payment_methods (user_id, type, account_number, coalesce(bank_code, '')) WHERE is_verified`);
    await q.query(
      `CREATE UNIQUE INDEX payment_methods_primary_uq ON payment_methods (user_id) WHERE is_primary`,
    );
    await q.query(
      `CREATE INDEX payment_methods_user_idx ON payment_methods (user_id, is_verified, created_at DESC)`,
    );
    await q.query(
      `CREATE INDEX payment_methods_unverified_idx ON payment_methods (created_at) WHERE NOT is_verified`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE payment_methods`);
  }
}
