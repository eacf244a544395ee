import { Logger } from '@nestjs/common';
import { databaseErrorCode, isDatabaseUnavailable } from './connection-errors';

/**
 * Last line of defence for a database restart: an error event on a pg client nobody listens to, or
 * a rejected promise nobody awaits, must not take the process down when it only says "the database
 * connection went away" (57P01 and friends). Such errors are logged (one line per 30 s) and the
 * process keeps serving; the pool replaces the connection. Anything else still ends the process,
 * as Node would, because its state can no longer be trusted.
 */
export function installDatabaseSafetyNet(logger = new Logger('Process')): void {
  let lastLog = 0;
  let suppressed = 0;
  const survive = (err: unknown, kind: string): boolean => {
    if (!isDatabaseUnavailable(err)) return false;
    if (Date.now() - lastLog < 30_000) {
      suppressed++;
      return true;
    }
    lastLog = Date.now();
    logger.warn(
      `${kind} from a lost database connection (${databaseErrorCode(err)}) ignored; ${suppressed} more since the last note`,
    );
    suppressed = 0;
    return true;
  };
  process.on('uncaughtException', (err) => {
    if (survive(err, 'Uncaught error')) return;
    logger.error(`Uncaught exception: ${err.message}`);
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    if (survive(reason, 'Unhandled rejection')) return;
    logger.error(
      `Unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
    process.exit(1);
  });
}
