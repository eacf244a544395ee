import { Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { pgPoolOf } from 'src/common/database/pg-pool';

const RETRYABLE = new Set(['40001', '40P01']); // serialization_failure, deadlock_detected
const MAX_ATTEMPTS = 5;

export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Runs the ledger's SQL functions. Without a manager, a call is one autocommit statement on the pool
 * (its own transaction, one round trip, prepared once per connection) and is retried a bounded number
 * of times on serialization failure or deadlock. With a manager it joins the caller's transaction;
 * retrying is then the caller's business (the whole transaction must be redone).
 */
@Injectable()
export class LedgerRepository {
  private readonly logger = new Logger('Ledger');
  private readonly pool: Pool;

  constructor(readonly dataSource: DataSource) {
    this.pool = pgPoolOf(dataSource);
  }

  async one<T>(name: string, text: string, values: unknown[], manager?: EntityManager): Promise<T> {
    return (await this.all<T>(name, text, values, manager))[0];
  }

  async all<T>(
    name: string,
    text: string,
    values: unknown[],
    manager?: EntityManager,
  ): Promise<T[]> {
    if (manager) return manager.query<T[]>(text, values);
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.pool.query({ name, text, values });
        return res.rows as T[];
      } catch (err) {
        const code = pgErrorCode(err);
        if (!code || !RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
        this.logger.warn(`${name}: ${code} on attempt ${attempt}, retrying`);
        await sleep(Math.random() * 5 * 2 ** attempt);
      }
    }
  }

  async rows<T>(text: string, values: unknown[], manager?: EntityManager): Promise<T[]> {
    return (manager ?? this.dataSource.manager).query<T[]>(text, values);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
