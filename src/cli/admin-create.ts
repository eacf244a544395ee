import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { ConfigError, loadConfig } from '../config/app-config';
import { startEmbeddedDatabaseIfNeeded } from '../database/embedded-database';
import { buildTypeOrmOptions } from '../database/typeorm-options';
import { UsersService } from '../modules/users/users.service';
import { ADMIN_CREATE_USAGE, checkAdminPassword, parseAdminArgs } from './admin-args';
import { promptHidden } from './password-prompt';

/**
 * `npm run admin:create -- --email E --password P [--name N]`: the only way to create an ADMIN.
 * Uses the same config, options builder and password hashing as the app. Never prints the password.
 */
async function main(): Promise<number> {
  const parsed = parseAdminArgs(process.argv.slice(2), process.env, Boolean(process.stdin.isTTY));
  if (!parsed.ok) {
    console.error(`admin:create: ${parsed.problems.join('; ')}\n${ADMIN_CREATE_USAGE}`);
    return 2;
  }
  if (!parsed.args.password) {
    const password = await promptHidden(`Password for ${parsed.args.email}: `);
    const problems = checkAdminPassword(password);
    if (problems.length === 0 && (await promptHidden('Repeat the password: ')) !== password)
      problems.push('the two passwords differ');
    if (problems.length > 0) {
      console.error(`admin:create: ${problems.join('; ')}`);
      return 2;
    }
    parsed.args.password = password;
  }
  loadConfig(process.env); // fail fast on a bad environment before touching any database
  const stopEmbedded = await startEmbeddedDatabaseIfNeeded();
  const cfg = loadConfig(process.env);
  const ds = new DataSource({
    ...buildTypeOrmOptions(cfg.database),
    entities: [],
    extra: { max: 2, connectionTimeoutMillis: 5_000 },
  });
  try {
    await ds.initialize();
    if (await ds.showMigrations()) {
      // Production schema changes belong to the release step, never to an operator command.
      if (cfg.app.isProduction) {
        console.error(
          'admin:create: the database has pending migrations; run `node dist/database/migrate.js run` first',
        );
        return 1;
      }
      await ds.runMigrations({ transaction: 'each' });
    }
    const user = await new UsersService(ds).create({
      ...parsed.args,
      role: 'ADMIN',
    });
    console.log(`admin:create: created ADMIN ${user.email} (id ${user.id})`);
    return 0;
  } catch (err) {
    if (err instanceof AppError && err.code === 'EMAIL_TAKEN') {
      console.error(
        `admin:create: an account with email ${parsed.args.email.toLowerCase()} already exists`,
      );
      return 1;
    }
    throw err;
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await stopEmbedded();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`admin:create failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
