import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { startEmbeddedDatabaseIfNeeded } from './embedded-database';
import { buildTypeOrmOptions } from './typeorm-options';

/** `node dist/database/migrate.js run|revert` — the release step (also the compose `migrate` service). */
async function main(): Promise<void> {
  const action = process.argv[2] ?? 'run';
  const stopEmbedded = await startEmbeddedDatabaseIfNeeded();
  const ds = new DataSource(buildTypeOrmOptions(loadConfig().database));
  await ds.initialize();
  try {
    if (action === 'revert') {
      await ds.undoLastMigration({ transaction: 'each' });
      console.log('Reverted the last migration');
    } else {
      const ran = await ds.runMigrations({ transaction: 'each' });
      console.log(
        `Applied ${ran.length} migration(s)${ran.length ? `: ${ran.map((m) => m.name).join(', ')}` : ''}`,
      );
    }
  } finally {
    await ds.destroy();
    await stopEmbedded();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
