// Shared by db-backup.mjs and db-restore.mjs: PostgreSQL client tools, libpq environment, versions.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';

/** A client tool (pg_dump, pg_restore): from PG_BIN_DIR when set, else from PATH. */
export function tool(name) {
  return process.env.PG_BIN_DIR ? join(process.env.PG_BIN_DIR, name) : name;
}

/** Major version of a client tool, e.g. 15 for "pg_dump (PostgreSQL) 15.20". */
export function toolMajor(name) {
  const out = execFileSync(tool(name), ['--version'], { encoding: 'utf8' });
  const m = /\)\s+(\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the version of ${name}: ${out.trim()}`);
  return Number(m[1]);
}

/** Major version of the server behind `url`. */
export async function serverMajor(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query('SHOW server_version_num');
    return Math.floor(Number(rows[0].server_version_num) / 10_000);
  } finally {
    await client.end();
  }
}

/**
 * libpq environment for a URL, so the password never appears on a command line (visible in `ps`).
 */
export function libpqEnv(url) {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
    ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}),
    ...(u.searchParams.get('sslmode') ? { PGSSLMODE: u.searchParams.get('sslmode') } : {}),
  };
}

/** `--name value` pairs and `--flag` switches. */
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[a.slice(2)] = true;
    else {
      out[a.slice(2)] = next;
      i++;
    }
  }
  return out;
}

/** The URL without its password, for messages. */
export function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
