import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ledgerFunctionFiles, ledgerTriggerStatements } from 'src/modules/ledger/sql/ledger-sql';

/**
 * From here on the ledger's functions and triggers are the reviewed files in
 * `src/modules/ledger/sql/` (CreateLedger stays as history). This applies them with
 * `CREATE OR REPLACE`. A later change to the ledger rules edits a file and adds a migration that runs
 * `applyLedgerSql` again with the new `ledgerSqlDigest`, so the diff is reviewed as SQL; a unit test
 * fails when the files changed without such a migration, an e2e test when the database drifts.
 */
export class ApplyLedgerSql1764730000000 implements MigrationInterface {
  name = 'ApplyLedgerSql1764730000000';
  /** The files this migration was written for (see `ledgerSqlDigest`). */
  readonly ledgerSqlDigest = '330e1036dc15e5bccde4d23fbc4efc146f7468d0a94094faf24bc119222023d1';

  async up(q: QueryRunner): Promise<void> {
    await applyLedgerSql(q);
  }

  /** The same functions as before, only re-spelled: nothing to undo. */
  async down(): Promise<void> {}
}

/** Applies every ledger function file, then the triggers (which name the functions). */
export async function applyLedgerSql(q: QueryRunner): Promise<void> {
  for (const file of ledgerFunctionFiles()) await q.query(file.sql);
  for (const statement of ledgerTriggerStatements()) await q.query(statement);
}
