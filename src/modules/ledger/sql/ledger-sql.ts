import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The ledger's rules as reviewed SQL: one file per function (`<function>.sql`, a single
 * `CREATE OR REPLACE FUNCTION`) and `triggers.sql`. Migrations apply them (ApplyLedgerSql) and a test
 * fails when the database's definitions drift from them. The build copies them next to this file
 * in dist/ (nest-cli.json assets).
 */
export const LEDGER_SQL_DIR = __dirname;
export const LEDGER_TRIGGERS_FILE = 'triggers.sql';

export interface LedgerSqlFile {
  /** The function name (file name without `.sql`), or `triggers`. */
  name: string;
  sql: string;
}

/** The function files in name order. */
export function ledgerFunctionFiles(dir = LEDGER_SQL_DIR): LedgerSqlFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql') && f !== LEDGER_TRIGGERS_FILE)
    .sort()
    .map((f) => ({ name: f.slice(0, -'.sql'.length), sql: readFileSync(join(dir, f), 'utf8') }));
}

/** Each trigger statement of triggers.sql (comments dropped). */
export function ledgerTriggerStatements(dir = LEDGER_SQL_DIR): string[] {
  return readFileSync(join(dir, LEDGER_TRIGGERS_FILE), 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * SHA-256 over every file's name and text. Each migration that applies the files records the digest
 * it was written for; a unit test fails when the files changed after the newest such migration (a
 * database already past it would never see the change).
 */
export function ledgerSqlDigest(dir = LEDGER_SQL_DIR): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort())
    hash.update(`${f}\n${readFileSync(join(dir, f), 'utf8')}\n`);
  return hash.digest('hex');
}
