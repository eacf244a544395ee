// `npm run db:backup [-- --out FILE]`: a pg_dump custom-format archive of DATABASE_URL.
// See docs/runbooks/backup-and-restore.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { libpqEnv, parseArgs, redact, serverMajor, tool, toolMajor } from './db-tools.mjs';

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = args.url ?? process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL (or pass --url) to the database to back up');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const out = resolve(args.out ?? `backups/iayos-${stamp}.dump`);

  // pg_dump refuses a server newer than itself; say what to install instead of its bare error.
  const [client, server] = [toolMajor('pg_dump'), await serverMajor(url)];
  if (client < server)
    throw new Error(
      `pg_dump ${client} cannot dump a PostgreSQL ${server} server: install the PostgreSQL ${server} client tools (or newer) and point PG_BIN_DIR at them`,
    );

  mkdirSync(dirname(out), { recursive: true });
  // Custom format: compressed, restorable selectively and in parallel by pg_restore.
  execFileSync(tool('pg_dump'), ['--format=custom', '--compress=6', `--file=${out}`], {
    env: libpqEnv(url),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // Prove the archive is readable before calling it a backup.
  const toc = execFileSync(tool('pg_restore'), ['--list', out], { encoding: 'utf8' });
  const items = toc.split('\n').filter((l) => l && !l.startsWith(';')).length;
  console.log(
    `db:backup: ${redact(url)} → ${out} (${statSync(out).size} bytes, ${items} archive items, pg_dump ${client}, server ${server})`,
  );
}

main().catch((err) => {
  console.error(`db:backup: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
