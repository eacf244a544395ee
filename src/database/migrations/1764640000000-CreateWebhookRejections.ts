import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook deliveries that failed verification (or could not be parsed): who sent what and why, for
 * admins. Only a hash and the size of the body are kept, never the body, so an attacker cannot fill
 * the database with large payloads.
 */
export class CreateWebhookRejections1764640000000 implements MigrationInterface {
  name = 'CreateWebhookRejections1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_rejections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL CHECK (provider IN ('paymongo','xendit')),
        received_at timestamptz NOT NULL DEFAULT now(),
        source_ip text NOT NULL,
        reason text NOT NULL,
        body_sha256 text NOT NULL,
        body_bytes integer NOT NULL CHECK (body_bytes >= 0)
      )`);
    await q.query(
      `CREATE INDEX webhook_rejections_received_idx ON webhook_rejections (received_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_rejections`);
  }
}
