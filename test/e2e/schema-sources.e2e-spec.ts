import { PAYMENT_PROVIDER_NAMES } from 'src/modules/payments/providers/payment-provider';
import {
  ledgerFunctionFiles,
  ledgerTriggerStatements,
} from 'src/modules/ledger/sql/ledger-sql';
import { createTestApp, TestApp } from '../support/test-app';

/** The migrated database against the sources that define it once: the ledger SQL files and the provider list. */
describe('database schema against its sources', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const oneSpace = (s: string) => s.replace(/\s+/g, ' ').trim();

  it('should define every ledger function exactly as its file in src/modules/ledger/sql', async () => {
    const files = ledgerFunctionFiles();
    expect(files.length).toBeGreaterThan(10);
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // The files applied in a scratch schema give PostgreSQL's own rendering of what they say;
      // rolled back below, so nothing of it stays.
      await runner.query('CREATE SCHEMA ledger_sql_check');
      await runner.query('SET LOCAL search_path = ledger_sql_check, public');
      for (const f of files) await runner.query(f.sql);
      const defs = async (schema: string) =>
        Object.fromEntries(
          (
            (await runner.query(
              `SELECT p.proname AS name, pg_get_functiondef(p.oid) AS def
                 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = $1 AND p.proname LIKE 'ledger\\_%'
                ORDER BY p.proname`,
              [schema],
            )) as Array<{ name: string; def: string }>
          ).map((r) => [r.name, oneSpace(r.def.replaceAll(`${schema}.`, ''))]),
        );
      const fromFiles = await defs('ledger_sql_check');
      const inDatabase = await defs('public');
      expect(Object.keys(fromFiles)).toEqual(files.map((f) => f.name));
      expect(Object.keys(inDatabase)).toEqual(Object.keys(fromFiles));
      for (const name of Object.keys(fromFiles))
        expect({ name, def: inDatabase[name] }).toEqual({ name, def: fromFiles[name] });
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  it('should have exactly the ledger triggers of triggers.sql', async () => {
    const rows = await t.db.query<Array<{ def: string }>>(`SELECT pg_get_triggerdef(tg.oid) AS def
         FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
        WHERE NOT tg.tgisinternal AND c.relname LIKE 'ledger\\_%'`);
    const inDatabase = rows.map((r) => oneSpace(r.def)).sort();
    const fromFile = ledgerTriggerStatements()
      .map((s) => oneSpace(s.replace(/^CREATE OR REPLACE TRIGGER/, 'CREATE TRIGGER')))
      .sort();
    expect(inDatabase.length).toBe(14);
    expect(inDatabase).toEqual(fromFile);
  });

  it('should constrain every provider column to the provider list', async () => {
    const rows = await t.db.query<
      Array<{ table: string; def: string }>
    >(`SELECT c.conrelid::regclass::text AS "table", pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c
        WHERE c.contype = 'c' AND pg_get_constraintdef(c.oid) ~ '\\mprovider\\M'
        ORDER BY 1`);
    const allowed = rows.map((r) => ({
      table: r.table,
      values: [...r.def.matchAll(/'([^']+)'::text/g)].map((m) => m[1]).sort(),
    }));
    const list = [...PAYMENT_PROVIDER_NAMES].sort();
    expect(allowed).toEqual([
      { table: 'sandbox_checkouts', values: list },
      { table: 'sandbox_payouts', values: list },
      { table: 'sandbox_refunds', values: list },
      { table: 'transactions', values: list },
      { table: 'webhook_events', values: list },
      { table: 'webhook_rejections', values: list },
    ]);
    // Every provider column is among those constrained above (a new one without a CHECK fails here).
    const columns = await t.db.query<
      Array<{ table: string }>
    >(`SELECT table_name AS "table" FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'provider' ORDER BY 1`);
    expect(columns.map((c) => c.table)).toEqual([
      'sandbox_checkouts',
      'sandbox_payouts',
      'sandbox_refunds',
      'transactions',
      'webhook_events',
      'webhook_rejections',
    ]);
  });
});
