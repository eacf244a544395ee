import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applyLedgerSql } from './1764730000000-ApplyLedgerSql';

/**
 * Adds `ledger_job_downpayment` (ADR 0128): the wallet-funded job downpayment as one statement. The
 * other files are unchanged and applied again with `CREATE OR REPLACE` (a no-op for them).
 */
export class ApplyJobDownpaymentSql1764780000000 implements MigrationInterface {
  name = 'ApplyJobDownpaymentSql1764780000000';
  /** The files this migration was written for (see `ledgerSqlDigest`). */
  readonly ledgerSqlDigest = 'f617ad74b6b032f8423dd8a5545cedf5a9e380441d52d221a39a7d404e270d2d';

  async up(q: QueryRunner): Promise<void> {
    await applyLedgerSql(q);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP FUNCTION IF EXISTS ledger_job_downpayment(text, text, text, jsonb, text[], text[], text[],
         bigint[], text[], boolean[], boolean, bigint, text, uuid, uuid, text, bigint, bigint, uuid,
         jsonb, text, text, timestamptz, text, bigint, jsonb)`,
    );
  }
}
