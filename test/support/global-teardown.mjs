// Drops the databases this run created and stops an embedded PostgreSQL if one was started.
import pg from 'pg';

export default async function globalTeardown() {
  const admin = process.env.TEST_DATABASE_ADMIN_URL;
  const runId = process.env.TEST_RUN_ID;
  if (admin && runId && process.env.KEEP_TEST_DATABASES !== '1') {
    const client = new pg.Client({ connectionString: admin });
    try {
      await client.connect();
      const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `test_${runId}_%`,
      ]);
      for (const { datname } of rows)
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } catch {
      /* best effort */
    } finally {
      await client.end().catch(() => {});
    }
  }
  await globalThis.__E2E_PG__?.stop();
}
