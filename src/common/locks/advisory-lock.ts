import type { DataSource } from 'typeorm';

/** Namespace of our advisory locks (first key), so they never collide with other users of the database. */
const LOCK_NAMESPACE = 7310;

/**
 * Runs `fn` only if this process wins the PostgreSQL session advisory lock for `name`; otherwise returns
 * `{acquired: false}` at once. The lock lives on a dedicated connection and dies with it, so a crashed
 * instance never leaves it held.
 */
export async function withAdvisoryLock<T>(
  ds: DataSource,
  name: string,
  fn: () => Promise<T>,
): Promise<{ acquired: true; result: T } | { acquired: false }> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const rows = (await runner.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok`, [
      LOCK_NAMESPACE,
      name,
    ])) as Array<{ ok: boolean }>;
    if (!rows[0]?.ok) return { acquired: false };
    try {
      return { acquired: true, result: await fn() };
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [LOCK_NAMESPACE, name]);
    }
  } finally {
    await runner.release();
  }
}
