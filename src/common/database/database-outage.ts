import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  databaseErrorCode,
  isDatabaseUnavailable,
  isReleasedRunnerError,
} from './connection-errors';

interface ClientLike {
  on(event: 'error', listener: (err: unknown) => void): unknown;
}
/** The pg pool's surface used here (`_clients` holds the connections opened before we listened). */
export interface PoolLike {
  on(event: 'connect', listener: (client: ClientLike) => void): unknown;
  _clients?: ClientLike[];
}

/** Seconds a client is asked to wait (Retry-After) while the database is unreachable. */
export const DATABASE_RETRY_AFTER_S = 5;
const PROBE_EVERY_MS = 1_000;
const IDLE_LOG_EVERY_MS = 30_000;
/** How long after a lost connection a released-runner error is still blamed on it. */
const LOSS_WINDOW_MS = 30_000;

/**
 * Tracks whether PostgreSQL is reachable, so an outage is logged once when it starts and once when it
 * ends (never a stack per request), and requests meanwhile answer 503 with Retry-After. Any failed
 * request or pool event reports here; while down, a probe (SELECT 1, set by the health module) runs
 * every second until the database answers again.
 */
@Injectable()
export class DatabaseOutage implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private downSince?: number;
  private failedRequests = 0;
  private probe?: () => Promise<unknown>;
  private timer?: NodeJS.Timeout;
  private lastIdleLog = 0;
  private idleDropped = 0;
  private lastLoss = 0;

  get isDown(): boolean {
    return this.downSince !== undefined;
  }

  setProbe(probe: () => Promise<unknown>): void {
    this.probe = probe;
  }

  /** Returns true when `err` means the database is unreachable (and records the outage). */
  reportIfUnavailable(err: unknown): boolean {
    const lostConnection =
      isDatabaseUnavailable(err) ||
      (isReleasedRunnerError(err) &&
        (this.downSince !== undefined || Date.now() - this.lastLoss < LOSS_WINDOW_MS));
    if (!lostConnection) return false;
    this.lastLoss = Date.now();
    this.failedRequests++;
    if (this.downSince !== undefined) return true;
    this.downSince = Date.now();
    this.logger.warn(
      `PostgreSQL is unreachable (${databaseErrorCode(err)}): requests answer 503 SERVICE_UNAVAILABLE until it answers again`,
    );
    this.timer = setInterval(() => void this.runProbe(), PROBE_EVERY_MS);
    this.timer.unref();
    return true;
  }

  /** A health check reached the database: the outage (if any) is over. */
  reachable(): void {
    if (this.downSince === undefined) return;
    const seconds = Math.round((Date.now() - this.downSince) / 100) / 10;
    this.logger.log(
      `PostgreSQL answers again after ${seconds} s (${this.failedRequests} requests answered 503 meanwhile)`,
    );
    this.downSince = undefined;
    this.failedRequests = 0;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The pool's error event: an idle connection was closed under it (a restart sends 57P01 to every
   * one). The pool has already discarded it and opens a new one on the next checkout; this only keeps
   * the log to one line per burst.
   */
  idleConnectionError(err: unknown): void {
    if (isDatabaseUnavailable(err)) this.lastLoss = Date.now();
    this.idleDropped++;
    if (Date.now() - this.lastIdleLog < IDLE_LOG_EVERY_MS) return;
    this.lastIdleLog = Date.now();
    const what = isDatabaseUnavailable(err) ? 'closed' : 'failed';
    this.logger.warn(
      `PostgreSQL ${what} an idle pooled connection (${databaseErrorCode(err)}); ${this.idleDropped} dropped since the last note, replaced on next use`,
    );
    this.idleDropped = 0;
  }

  /**
   * Listens on every pooled connection, idle or checked out. A restart errors the connection a
   * transaction holds; TypeORM then releases its runner, so that transaction's next statement (or its
   * COMMIT) fails with a released-runner error instead of the connection error. Noting the loss here,
   * before TypeORM's own listener runs, lets that error be recognised as the outage (503, not 500).
   */
  watchPool(pool: PoolLike): void {
    const watch = (client: ClientLike) =>
      client.on('error', (err: unknown) => {
        if (isDatabaseUnavailable(err)) this.lastLoss = Date.now();
      });
    for (const client of pool._clients ?? []) watch(client);
    pool.on('connect', watch);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async runProbe(): Promise<void> {
    if (!this.probe) return;
    try {
      await this.probe();
      this.reachable();
    } catch {
      /* still down: the next tick tries again */
    }
  }
}
