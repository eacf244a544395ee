import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const LOCAL_JWT_SECRET_FILE = 'jwt-secret';

/** Local mode is an environment without DATABASE_URL outside production (embedded PostgreSQL). */
export function isLocalMode(env: NodeJS.ProcessEnv): boolean {
  return !env.DATABASE_URL && env.NODE_ENV !== 'production';
}

/**
 * Local mode signs tokens with a random secret made on the first start and kept (owner-only) next to
 * the embedded database, so sessions survive restarts and no two checkouts share a key. Sets
 * `env.JWT_SECRET`; does nothing when one is given or outside local mode. Returns what it did.
 */
export function ensureLocalJwtSecret(
  env: NodeJS.ProcessEnv = process.env,
): 'given' | 'not-local' | 'loaded' | 'created' {
  if (env.JWT_SECRET) return 'given';
  if (!isLocalMode(env)) return 'not-local';
  const dir = resolve(env.EMBEDDED_DB_DIR ?? '.localdb');
  const file = join(dir, LOCAL_JWT_SECRET_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const existing = readSecret(file);
  if (existing) {
    env.JWT_SECRET = existing;
    return 'loaded';
  }
  try {
    // `wx`: two local processes starting at once keep whichever secret was written first.
    writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const created = readSecret(file);
  if (!created) throw new Error(`could not read the local JWT secret in ${file}`);
  env.JWT_SECRET = created;
  return 'created';
}

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
