import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every verified gateway event (and every reconciliation finding), unique per (provider, event id), written
 * in the same database transaction as its effect.
 */
export class CreateWebhookEvents1764400000000 implements MigrationInterface {
  name = 'CreateWebhookEvents1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL CHECK (provider IN ('paymongo','xendit')),
        event_id text NOT NULL,
        event_type text NOT NULL,
        kind text NOT NULL,
        source text NOT NULL DEFAULT 'webhook' CHECK (source IN ('webhook','reconciliation')),
        status text NOT NULL CHECK (status IN ('PROCESSED','NO_OP','IGNORED','FLAGGED','UNCONFIRMED','ERROR')),
        reason text,
        transaction_id uuid REFERENCES transactions(id),
        checkout_id text,
        payout_id text,
        amount bigint,
        currency text,
        livemode boolean NOT NULL DEFAULT false,
        raw_body text,
        payload jsonb,
        normalised jsonb NOT NULL,
        replay_count integer NOT NULL DEFAULT 0,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT webhook_events_provider_event_uq UNIQUE (provider, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_events_status_idx ON webhook_events (status, received_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX webhook_events_received_idx ON webhook_events (received_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX webhook_events_transaction_idx ON webhook_events (transaction_id) WHERE transaction_id IS NOT NULL`,
    );
    // Payment-intent routing for `payment.*` events that lost their metadata.
    await q.query(
      `CREATE INDEX transactions_payment_intent_idx ON transactions ((metadata->>'paymentIntentId'))
        WHERE metadata ? 'paymentIntentId'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX transactions_payment_intent_idx`);
    await q.query(`DROP TABLE webhook_events`);
  }
}
