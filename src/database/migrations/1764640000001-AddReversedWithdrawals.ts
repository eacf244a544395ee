import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * REVERSED: a payout that had succeeded came back (Xendit `payout.reversed`). The only change a
 * terminal transaction may still make: COMPLETED → REVERSED, once, for a withdrawal.
 */
export class AddReversedWithdrawals1764640000001 implements MigrationInterface {
  name = 'AddReversedWithdrawals1764640000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE transactions DROP CONSTRAINT transactions_status_check`);
    await q.query(`ALTER TABLE transactions ADD CONSTRAINT transactions_status_check
      CHECK (status IN ('PENDING','COMPLETED','FAILED','EXPIRED','CANCELLED','REVERSED'))`);
    await q.query(`ALTER TABLE transactions DROP CONSTRAINT transactions_completed_ck`);
    await q.query(`ALTER TABLE transactions ADD CONSTRAINT transactions_completed_ck
      CHECK ((status IN ('COMPLETED','REVERSED')) = (completed_at IS NOT NULL))`);
    await q.query(`
      CREATE OR REPLACE FUNCTION transactions_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'transactions cannot be deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'PENDING' AND NEW.status IS DISTINCT FROM OLD.status
           AND NOT (OLD.status = 'COMPLETED' AND NEW.status = 'REVERSED' AND OLD.type = 'WITHDRAWAL') THEN
          RAISE EXCEPTION 'transaction % is % and cannot become %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'restrict_violation';
        END IF;
        IF NEW.amount <> OLD.amount OR NEW.user_id <> OLD.user_id OR NEW.type <> OLD.type
           OR NEW.currency <> OLD.currency THEN
          RAISE EXCEPTION 'transaction % amount, owner, type and currency are immutable', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        NEW.updated_at := now();
        RETURN NEW;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE transactions DROP CONSTRAINT transactions_completed_ck`);
    await q.query(`ALTER TABLE transactions ADD CONSTRAINT transactions_completed_ck
      CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL))`);
    await q.query(`ALTER TABLE transactions DROP CONSTRAINT transactions_status_check`);
    await q.query(`ALTER TABLE transactions ADD CONSTRAINT transactions_status_check
      CHECK (status IN ('PENDING','COMPLETED','FAILED','EXPIRED','CANCELLED'))`);
  }
}
