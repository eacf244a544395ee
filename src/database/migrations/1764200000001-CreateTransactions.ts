import type { MigrationInterface, QueryRunner } from 'typeorm';

/** User-facing transactions: a projection of ledger entries plus business status. */
export class CreateTransactions1764200000001 implements MigrationInterface {
  name = 'CreateTransactions1764200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        type text NOT NULL CHECK (type IN ('DEPOSIT','WITHDRAWAL','PAYMENT','EARNING','PENDING_EARNING',
                                           'REFUND','FEE','VERIFICATION_BONUS')),
        status text NOT NULL DEFAULT 'PENDING'
          CHECK (status IN ('PENDING','COMPLETED','FAILED','EXPIRED','CANCELLED')),
        amount bigint NOT NULL CHECK (amount > 0 AND amount <= 100000000000),
        currency text NOT NULL DEFAULT 'PHP' CHECK (currency ~ '^[A-Z]{3}$'),
        description text,
        reference text,
        provider text,
        provider_reference text,
        payment_method_id uuid,
        job_id uuid,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        ledger_entry_id text,
        release_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT transactions_completed_ck CHECK ((status = 'COMPLETED') = (completed_at IS NOT NULL)),
        CONSTRAINT transactions_completed_entry_ck CHECK (status <> 'COMPLETED' OR ledger_entry_id IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX transactions_user_created_idx ON transactions (user_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX transactions_ledger_entry_idx ON transactions (ledger_entry_id) WHERE ledger_entry_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX transactions_provider_ref_idx ON transactions (provider, provider_reference) WHERE provider_reference IS NOT NULL`,
    );
    // Terminal states never change (the original system flipped COMPLETED deposits to FAILED).
    await q.query(`
      CREATE FUNCTION transactions_status_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'transactions cannot be deleted' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.status <> 'PENDING' AND NEW.status IS DISTINCT FROM OLD.status THEN
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
    await q.query(`CREATE TRIGGER transactions_status_guard BEFORE UPDATE OR DELETE ON transactions
      FOR EACH ROW EXECUTE FUNCTION transactions_status_guard()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transactions`);
    await q.query(`DROP FUNCTION transactions_status_guard()`);
  }
}
