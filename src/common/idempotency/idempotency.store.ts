import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returningRows } from 'src/database/returning-rows';

/** Keys are kept at least this long (the contract's ≥ 24 h), then purged by a scheduled job. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

export interface StoredResponse {
  status: number;
  contentType: string | null;
  body: string;
}

export type BeginOutcome =
  | { kind: 'proceed'; id: string }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

interface ExistingRow {
  id: string;
  fingerprint: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  response_status: number | null;
  response_content_type: string | null;
  response_body: string | null;
  expired: boolean;
  abandoned: boolean;
}

/**
 * The Idempotency-Key table. The unique (scope, route, key) constraint decides the one request that
 * runs; everything else reads what that request left. Times come from the database clock.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly ds: DataSource) {}

  async begin(
    scope: string,
    route: string,
    key: string,
    fingerprint: string,
    inFlightTtlMs: number,
  ): Promise<BeginOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.ds.query<{ id: string }[]>(
        `INSERT INTO idempotency_keys (scope, route, key, fingerprint, status, locked_until, expires_at)
         VALUES ($1, $2, $3, $4, 'IN_PROGRESS', now() + $5 * interval '1 millisecond',
                 now() + $6 * interval '1 hour')
         ON CONFLICT (scope, route, key) DO NOTHING RETURNING id`,
        [scope, route, key, fingerprint, inFlightTtlMs, IDEMPOTENCY_RETENTION_HOURS],
      );
      if (inserted.length > 0) return { kind: 'proceed', id: inserted[0].id };

      const rows = await this.ds.query<ExistingRow[]>(
        `SELECT id, fingerprint, status, response_status, response_content_type, response_body,
                expires_at <= now() AS expired, locked_until <= now() AS abandoned
         FROM idempotency_keys WHERE scope = $1 AND route = $2 AND key = $3`,
        [scope, route, key],
      );
      if (rows.length === 0) continue; // purged in between: try the insert again
      const row = rows[0];
      if (row.expired) {
        // Past retention but not purged yet: the key is free again.
        const taken = await this.takeOver(
          row.id,
          fingerprint,
          inFlightTtlMs,
          'expires_at <= now()',
          true,
        );
        if (taken) return { kind: 'proceed', id: row.id };
        continue;
      }
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.status === 'COMPLETED')
        return {
          kind: 'replay',
          response: {
            status: row.response_status ?? 200,
            contentType: row.response_content_type,
            body: row.response_body ?? '',
          },
        };
      if (!row.abandoned) return { kind: 'in_progress' };
      // The first attempt died without finishing (crash, lost connection): let this one run. What it
      // committed is recorded on the key (effects), so the rerun returns it instead of repeating it.
      const taken = await this.takeOver(
        row.id,
        fingerprint,
        inFlightTtlMs,
        `status = 'IN_PROGRESS' AND locked_until <= now()`,
      );
      if (taken) return { kind: 'proceed', id: row.id };
      return { kind: 'in_progress' };
    }
    return { kind: 'in_progress' };
  }

  async complete(id: string, response: StoredResponse): Promise<void> {
    await this.ds.query(
      `UPDATE idempotency_keys SET status = 'COMPLETED', response_status = $2, response_content_type = $3,
              response_body = $4, completed_at = now()
       WHERE id = $1 AND status = 'IN_PROGRESS'`,
      [id, response.status, response.contentType, response.body],
    );
  }

  /**
   * Frees a key whose request should be retryable (server error, validation failure). A key whose
   * request already committed an effect is kept, with its lease ended: the retry may run at once and
   * gets that effect back instead of causing a second one.
   */
  async release(id: string): Promise<void> {
    await this.ds.query(
      `WITH gone AS (
         DELETE FROM idempotency_keys WHERE id = $1 AND status = 'IN_PROGRESS' AND effects = '{}'
         RETURNING id)
       UPDATE idempotency_keys SET locked_until = now()
       WHERE id = $1 AND status = 'IN_PROGRESS' AND NOT EXISTS (SELECT 1 FROM gone)`,
      [id],
    );
  }

  /** Deletes keys past retention; returns how many. */
  async purgeExpired(batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = returningRows<{ id: string }>(
        await this.ds.query(
          `DELETE FROM idempotency_keys WHERE id IN (
             SELECT id FROM idempotency_keys WHERE expires_at < now() LIMIT $1) RETURNING id`,
          [batch],
        ),
      );
      total += rows.length;
      if (rows.length < batch) return total;
    }
  }

  private async takeOver(
    id: string,
    fingerprint: string,
    inFlightTtlMs: number,
    condition: string,
    fresh = false,
  ): Promise<boolean> {
    const rows = returningRows<{ id: string }>(
      await this.ds.query(
        `UPDATE idempotency_keys
       SET fingerprint = $2, status = 'IN_PROGRESS', locked_until = now() + $3 * interval '1 millisecond',
           response_status = NULL, response_content_type = NULL, response_body = NULL, completed_at = NULL,
           effects = CASE WHEN ${fresh ? 'true' : 'false'} THEN '{}'::jsonb ELSE effects END,
           expires_at = greatest(expires_at, now() + $4 * interval '1 hour')
       WHERE id = $1 AND ${condition} RETURNING id`,
        [id, fingerprint, inFlightTtlMs, IDEMPOTENCY_RETENTION_HOURS],
      ),
    );
    return rows.length > 0;
  }
}
