import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds to the original payment method: one REFUND row per gateway refund id (a webhook and a poll
 * can never attach the same refund to two rows), and the per-charge refund total summed under the
 * charge's row lock reads an index instead of every REFUND.
 */
export class AddRefundIndexes1764650000000 implements MigrationInterface {
  name = 'AddRefundIndexes1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX transactions_refund_gateway_uq ON transactions (provider, provider_reference)
       WHERE type = 'REFUND' AND provider_reference IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX transactions_refund_of_idx ON transactions ((metadata->>'refundOf'))
       WHERE type = 'REFUND'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX transactions_refund_of_idx`);
    await q.query(`DROP INDEX transactions_refund_gateway_uq`);
  }
}
