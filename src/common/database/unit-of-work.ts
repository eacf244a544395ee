import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { crashPoint } from '../crash/crash-points';
import { databaseErrorCode } from './connection-errors';
import { idempotencyContext } from '../idempotency/idempotency-context';
import {
  backoffMs,
  DEFAULT_RETRY_POLICY,
  isRetryableTransactionError,
  RetryPolicy,
} from './transaction-retry';
import {
  afterCommitFailures,
  idempotentEffectReplays,
  unitOfWorkRetries,
} from './unit-of-work.metrics';

/** Work that must happen only after the commit: realtime events, cache invalidation, gateway calls. */
export type AfterCommit = () => void | Promise<void>;

export interface Work {
  /** Queues hooks for after the commit (dropped if this attempt rolls back). */
  afterCommit(...hooks: AfterCommit[]): void;
}

export type WorkFn<T> = (m: EntityManager, work: Work) => Promise<T>;

/**
 * How every money flow touches the database (ADR 0060): one transaction, run again as a whole on a
 * serialization failure or deadlock (jittered, bounded backoff), then the after-commit hooks with one
 * policy — a failing hook is logged and counted, never turned into an error of a committed request.
 */
@Injectable()
export class UnitOfWork {
  private readonly log = new Logger('UnitOfWork');

  constructor(private readonly ds: DataSource) {}

  /** Runs `fn` in a transaction; `name` labels retries and hook failures in logs and metrics. */
  run<T>(name: string, fn: WorkFn<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
    return this.execute(name, fn, null, policy);
  }

  /**
   * Like `run`, and inside a request with an Idempotency-Key the result is recorded on the key in the
   * same transaction. A retry of that request (after a crash, a timeout, a lost response) gets the
   * recorded result back without running `fn` again, so the effect happens once. The result must be
   * plain JSON (ids, not entities): it is read back from the database.
   */
  runOnce<T>(name: string, fn: WorkFn<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
    return this.execute(name, fn, idempotencyContext.getStore()?.keyId ?? null, policy);
  }

  /**
   * Inside a `runOnce` flow that undoes its own effect (e.g. the gateway refused, the record is
   * closed): drops the recorded result in the caller's transaction, so the request's key can be freed
   * and a retry starts over.
   */
  async forgetOnce(name: string, m: EntityManager): Promise<void> {
    const keyId = idempotencyContext.getStore()?.keyId;
    if (!keyId) return;
    await m.query(`UPDATE idempotency_keys SET effects = effects - $2::text WHERE id = $1`, [
      keyId,
      name,
    ]);
  }

  /**
   * One autocommit statement that is a whole unit of work by itself (a SQL function that makes the
   * change and records the request's effect on its key, ADR 0128): no BEGIN/COMMIT round trips.
   * Retried as a whole on a serialization failure or deadlock, like `run`; hooks are the caller's.
   */
  async runStatement<T>(
    name: string,
    statement: () => Promise<T>,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ): Promise<T> {
    return this.retrying(name, policy, statement);
  }

  /** Runs hooks with the after-commit error policy (for code that finishes outside a transaction). */
  async afterCommitted(name: string, hooks: AfterCommit[]): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook();
      } catch (err) {
        afterCommitFailures.inc({ name });
        this.log.warn(
          `after-commit hook of ${name} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }

  /**
   * Same policy, not awaited: for hooks whose outcome the response does not carry (a realtime push
   * reading committed figures), so the caller answers without waiting for their round trips. Failures
   * are still logged and counted by `afterCommitted`, which never rejects.
   */
  afterCommittedInBackground(name: string, hooks: AfterCommit[]): void {
    void this.afterCommitted(name, hooks);
  }

  private async execute<T>(
    name: string,
    fn: WorkFn<T>,
    keyId: string | null,
    policy: RetryPolicy,
  ): Promise<T> {
    const outcome = await this.retrying(name, policy, async () => {
      // Per attempt: hooks of a rolled-back attempt never run.
      const hooks: AfterCommit[] = [];
      const work: Work = { afterCommit: (...h) => hooks.push(...h) };
      const done = await this.ds.transaction(async (m) => {
        if (keyId) {
          const [row] = await m.query<Array<{ found: boolean; value: unknown }>>(
            `SELECT jsonb_exists(effects, $2) AS found, effects -> $2::text AS value
             FROM idempotency_keys WHERE id = $1 FOR UPDATE`,
            [keyId, name],
          );
          if (row?.found) return { value: row.value as T, replayed: true };
        }
        const value = await fn(m, work);
        if (keyId)
          await m.query(
            `UPDATE idempotency_keys SET effects = jsonb_set(effects, ARRAY[$2::text], $3::jsonb)
             WHERE id = $1`,
            [keyId, name, JSON.stringify(value === undefined ? null : value)],
          );
        return { value, replayed: false };
      });
      return { ...done, hooks };
    });
    if (outcome.replayed) idempotentEffectReplays.inc({ name });
    await this.afterCommitted(name, outcome.hooks);
    return outcome.value;
  }

  /**
   * Runs `attempt` (one transaction, or one autocommit statement) until it commits: a serialization
   * failure or deadlock is retried as a whole with backoff, up to the policy; any other error at once.
   */
  private async retrying<T>(
    name: string,
    policy: RetryPolicy,
    attempt: () => Promise<T>,
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      let value: T;
      try {
        value = await attempt();
      } catch (err) {
        if (!isRetryableTransactionError(err) || retry + 1 >= policy.attempts) throw err;
        unitOfWorkRetries.inc({ name, code: databaseErrorCode(err) });
        await sleep(backoffMs(retry, policy));
        continue;
      }
      crashPoint('after-commit');
      return value;
    }
  }
}
