// `npm run db:restore -- --file FILE [--url TARGET_URL]`: restores a db:backup archive into a fresh
// database (created when missing; refused when it already has tables), runs the migrations, then
// the ledger audit and the hash-chain verification. Exit 0 only when all of that passed.
// See docs/runbooks/backup-and-restore.md.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { libpqEnv, parseArgs, redact, serverMajor, tool, toolMajor } from './db-tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

async function ensureFreshDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: maintenance.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return 'created';
    }
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    if (rows[0].n > 0)
      throw new Error(
        `${redact(url)} already has ${rows[0].n} tables: restore into a fresh (empty or new) database`,
      );
  } finally {
    await db.end();
  }
  return 'empty';
}

function step(label, file, args, env) {
  console.log(`db:restore: ${label}`);
  execFileSync(file, args, { env, stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const file = args.file;
  const url = args.url ?? process.env.DATABASE_URL;
  if (typeof file !== 'string' || !existsSync(file))
    throw new Error('pass --file with a db:backup archive');
  if (!url) throw new Error('set DATABASE_URL (or pass --url) to the database to restore into');
  for (const f of ['database/migrate.js', 'cli/ledger-verify.js'])
    if (!existsSync(join(root, 'dist', f))) throw new Error('dist/ is missing: run npm run build');

  const state = await ensureFreshDatabase(url);
  const [client, server] = [toolMajor('pg_restore'), await serverMajor(url)];
  if (client < server)
    console.warn(
      `db:restore: pg_restore ${client} is older than the PostgreSQL ${server} server; if the restore fails, use the PostgreSQL ${server} client tools (PG_BIN_DIR)`,
    );
  // No owners or grants from the source: the target's role owns everything it restores.
  step(`restoring ${file} into ${redact(url)} (${state})`, tool('pg_restore'), [
    '--no-owner',
    '--no-acl',
    '--exit-on-error',
    `--dbname=${libpqEnv(url).PGDATABASE}`,
    file,
  ], libpqEnv(url));
  const appEnv = { ...process.env, DATABASE_URL: url };
  step('running migrations', process.execPath, [join(root, 'dist/database/migrate.js'), 'run'], appEnv);
  step('verifying the ledger', process.execPath, [join(root, 'dist/cli/ledger-verify.js')], appEnv);
  console.log(`db:restore: ${redact(url)} restored, migrated and verified`);
}

main().catch((err) => {
  console.error(`db:restore: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
