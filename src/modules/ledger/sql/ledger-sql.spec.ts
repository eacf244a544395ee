import { MIGRATIONS } from 'src/database/migrations';
import { ledgerFunctionFiles, ledgerSqlDigest, ledgerTriggerStatements } from './ledger-sql';

describe('ledger SQL files', () => {
  it('should be the files the newest ledger SQL migration applies (add one when they change)', () => {
    const applying = MIGRATIONS.map(
      (M) => new M() as { name?: string; ledgerSqlDigest?: string },
    ).filter((m) => typeof m.ledgerSqlDigest === 'string');
    expect(applying.length).toBeGreaterThan(0);
    expect(applying[applying.length - 1].ledgerSqlDigest).toBe(ledgerSqlDigest());
  });

  it('should hold one CREATE OR REPLACE FUNCTION per file, named as the file', () => {
    for (const f of ledgerFunctionFiles()) {
      const creates = [...f.sql.matchAll(/CREATE OR REPLACE FUNCTION (\w+)\(/g)].map((m) => m[1]);
      expect({ file: f.name, creates }).toEqual({ file: f.name, creates: [f.name] });
    }
    expect(ledgerTriggerStatements().every((s) => s.startsWith('CREATE OR REPLACE TRIGGER '))).toBe(
      true,
    );
  });
});
