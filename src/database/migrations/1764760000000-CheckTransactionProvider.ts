import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `transactions.provider` gets the same CHECK as every other provider column (the provider list in
 * payments; the schema-sources test holds each CHECK to it). NULL stays allowed: a transaction that
 * never reached a gateway (wallet-funded, internal) has none. NOT VALID + VALIDATE keeps the write
 * lock short on a large table.
 */
export class CheckTransactionProvider1764760000000 implements MigrationInterface {
  name = 'CheckTransactionProvider1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE transactions ADD CONSTRAINT transactions_provider_check
       CHECK (provider IN ('paymongo', 'xendit')) NOT VALID`,
    );
    await q.query(`ALTER TABLE transactions VALIDATE CONSTRAINT transactions_provider_check`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE transactions DROP CONSTRAINT transactions_provider_check`);
  }
}
