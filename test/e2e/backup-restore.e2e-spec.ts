import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { LedgerChainService } from 'src/modules/ledger/ledger-chain.service';
import { registerUser } from '../support/auth-helpers';
import { fundWallet } from '../support/ledger-helpers';
import { bareEnv, REPO_ROOT, runNode } from '../support/processes';
import { createTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

/** Every ledger balance row and every chain link, to compare a restored copy with its source. */
async function ledgerState(url: string): Promise<unknown[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const balances = await c.query(
      `SELECT a.code, a.currency, b.credits_posted, b.debits_posted FROM ledger_balances b
       JOIN ledger_accounts a ON a.id = b.account_id ORDER BY a.code, a.currency`,
    );
    const chain = await c.query('SELECT seq, entry_hash FROM ledger_chain ORDER BY seq');
    return [balances.rows, chain.rows];
  } finally {
    await c.end();
  }
}

describe('db:backup and db:restore (e2e)', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'backup-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should dump in custom format and restore into a fresh database where migrations, the ledger audit and the hash chain pass', async () => {
    for (let i = 0; i < 3; i++) {
      const u = await registerUser(t.url);
      await fundWallet(t, u, 10_000 * (i + 1));
    }
    await t.app.get(LedgerChainService).sealAll(30_000);
    const archive = join(dir, 'iayos.dump');
    const env = bareEnv({ DATABASE_URL: t.databaseUrl });

    const backup = await runNode(join(REPO_ROOT, 'scripts/db-backup.mjs'), ['--out', archive], env);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/db:backup: .* → .*iayos\.dump \(\d+ bytes, \d+ archive items/);

    const target = new URL(t.databaseUrl);
    target.pathname = `${target.pathname}_restored`; // same test_<run>_ prefix: dropped at teardown
    const restore = await runNode(
      join(REPO_ROOT, 'scripts/db-restore.mjs'),
      ['--file', archive],
      bareEnv({ DATABASE_URL: target.toString() }),
      120_000,
    );
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('ledger audit: ok');
    expect(restore.stdout).toContain('hash chain: intact');
    expect(restore.stdout).toContain('restored, migrated and verified');
    expect(await ledgerState(target.toString())).toEqual(await ledgerState(t.databaseUrl));

    // A second restore into the now non-empty copy is refused: restores go into fresh databases.
    const again = await runNode(
      join(REPO_ROOT, 'scripts/db-restore.mjs'),
      ['--file', archive],
      bareEnv({ DATABASE_URL: target.toString() }),
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has \d+ tables: restore into a fresh/);
  });

  it('should fail the restore when the archive holds a tampered journal', async () => {
    const archive = join(dir, 'tampered.dump');
    const source = new URL(t.databaseUrl);
    source.pathname = `${source.pathname}_tamper`;
    // A copy of the source whose chain no longer matches its journal.
    const env = bareEnv({ DATABASE_URL: t.databaseUrl });
    const plain = join(dir, 'plain.dump');
    expect(
      (await runNode(join(REPO_ROOT, 'scripts/db-backup.mjs'), ['--out', plain], env)).code,
    ).toBe(0);
    const copy = await runNode(
      join(REPO_ROOT, 'scripts/db-restore.mjs'),
      ['--file', plain],
      bareEnv({ DATABASE_URL: source.toString() }),
      120_000,
    );
    expect(copy.code).toBe(0);
    const c = new Client({ connectionString: source.toString() });
    await c.connect();
    try {
      // Rewrite one link the way an intruder with table access would (triggers off for the session).
      await c.query(`SET session_replication_role = replica`);
      await c.query(
        `UPDATE ledger_chain SET entry_hash = repeat('f', 64) WHERE seq = (SELECT min(seq) FROM ledger_chain)`,
      );
    } finally {
      await c.end();
    }
    expect(
      (
        await runNode(
          join(REPO_ROOT, 'scripts/db-backup.mjs'),
          ['--out', archive],
          bareEnv({ DATABASE_URL: source.toString() }),
        )
      ).code,
    ).toBe(0);
    const target = new URL(t.databaseUrl);
    target.pathname = `${target.pathname}_tamper_restored`;
    const restore = await runNode(
      join(REPO_ROOT, 'scripts/db-restore.mjs'),
      ['--file', archive],
      bareEnv({ DATABASE_URL: target.toString() }),
      120_000,
    );
    expect(restore.code).toBe(1);
    expect(restore.stdout).toContain('hash chain: BROKEN');
  });
});
