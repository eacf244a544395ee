import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway sandbox's own records (ADR 0095): checkouts, payouts, refunds and its idempotency
 * replies, so a restart (or another instance on the same database) finds them. Each row keeps the
 * gateway resource as `data`; the columns the sandbox filters, sums or transitions on are real
 * columns, and every state change is one `UPDATE ... WHERE state = ...`. Never touched in production
 * (the sandbox is not loaded there).
 */
export class CreateSandboxTables1764700000000 implements MigrationInterface {
  name = 'CreateSandboxTables1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE sandbox_checkouts (
         id text PRIMARY KEY,
         provider text NOT NULL CHECK (provider IN ('paymongo', 'xendit')),
         state text NOT NULL CHECK (state IN ('open', 'paid', 'failed', 'expired')),
         payment_id text,
         data jsonb NOT NULL,
         seq bigserial NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await q.query(`CREATE INDEX sandbox_checkouts_payment_idx ON sandbox_checkouts (payment_id)`);
    await q.query(
      `CREATE TABLE sandbox_payouts (
         id text PRIMARY KEY,
         provider text NOT NULL CHECK (provider IN ('paymongo', 'xendit')),
         state text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'reversed')),
         settle_at timestamptz NOT NULL,
         settle_fails boolean NOT NULL,
         data jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await q.query(
      `CREATE INDEX sandbox_payouts_pending_idx ON sandbox_payouts (settle_at) WHERE state = 'pending'`,
    );
    await q.query(
      `CREATE TABLE sandbox_refunds (
         id text PRIMARY KEY,
         provider text NOT NULL CHECK (provider IN ('paymongo', 'xendit')),
         checkout_id text NOT NULL REFERENCES sandbox_checkouts (id) ON DELETE CASCADE,
         amount bigint NOT NULL CHECK (amount > 0),
         state text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed')),
         settle_at timestamptz NOT NULL,
         settle_fails boolean NOT NULL,
         data jsonb NOT NULL,
         seq bigserial NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await q.query(`CREATE INDEX sandbox_refunds_checkout_idx ON sandbox_refunds (checkout_id)`);
    await q.query(
      `CREATE INDEX sandbox_refunds_pending_idx ON sandbox_refunds (settle_at) WHERE state = 'pending'`,
    );
    await q.query(
      `CREATE TABLE sandbox_idempotency (
         key text PRIMARY KEY,
         fingerprint text NOT NULL,
         status integer NOT NULL,
         body jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sandbox_idempotency`);
    await q.query(`DROP TABLE sandbox_refunds`);
    await q.query(`DROP TABLE sandbox_payouts`);
    await q.query(`DROP TABLE sandbox_checkouts`);
  }
}
