import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Links from a job to the user-facing transactions of its money steps: the gateway checkouts of the
 * downpayment and remaining payment (GCASH) and the worker's PENDING_EARNING (completed at release).
 */
export class AddJobPaymentLinks1764500002000 implements MigrationInterface {
  name = 'AddJobPaymentLinks1764500002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE jobs
        ADD COLUMN downpayment_transaction_id uuid,
        ADD COLUMN remaining_transaction_id uuid,
        ADD COLUMN earning_transaction_id uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE jobs
        DROP COLUMN downpayment_transaction_id,
        DROP COLUMN remaining_transaction_id,
        DROP COLUMN earning_transaction_id`);
  }
}
