import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildTypeOrmOptions } from '../database/typeorm-options';
import { LedgerAuditService } from '../modules/ledger/ledger-audit.service';
import { LedgerChainService } from '../modules/ledger/ledger-chain.service';

/**
 * `node dist/cli/ledger-verify.js`: the ledger audit and the hash-chain verification against
 * DATABASE_URL, as `npm run db:restore` runs them on a restored copy. Exit 0 only when every
 * invariant holds and the chain is intact. Prints counts and check names, never data.
 */
async function main(): Promise<number> {
  const cfg = loadConfig(process.env);
  const ds = new DataSource({ ...buildTypeOrmOptions(cfg.database), entities: [] });
  await ds.initialize();
  try {
    const chain = new LedgerChainService(ds);
    const audit = await new LedgerAuditService(ds, chain).run();
    const verification = await chain.verify();
    const failed = audit.checks.filter((c) => !c.pass);
    console.log(
      `ledger audit: ${audit.ok ? 'ok' : 'FAILED'} (${audit.totals.entries} entries, ${audit.totals.postings} postings, ${audit.checks.length} checks)`,
    );
    for (const c of failed) console.log(`  failed: ${c.name} (${c.count})`);
    console.log(
      `hash chain: ${verification.intact ? 'intact' : 'BROKEN'} (${verification.sealed} sealed, ${verification.unsealed} unsealed)` +
        (verification.firstBroken
          ? `; first broken link at ${verification.firstBroken.sequence}: ${verification.firstBroken.problem}`
          : ''),
    );
    return audit.ok && verification.intact ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`ledger-verify: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
