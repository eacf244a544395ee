import { Injectable, type Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type {
  SandboxCheckout,
  SandboxCheckoutState,
  SandboxPayout,
  SandboxProvider,
  SandboxRefund,
} from './sandbox.types';

/** Anything that runs SQL: the data source, or a transaction's manager. */
export type Queryable = Pick<EntityManager, 'query'>;

/** A sandbox transaction and the work to start once it committed (settlement timers). */
export interface SandboxTx {
  q: Queryable;
  after: Array<() => void>;
}

export interface IdempotentReply {
  fingerprint: string;
  status: number;
  body: unknown;
}

interface Row<T> {
  state: string;
  data: T;
}

type Settling = 'sandbox_payouts' | 'sandbox_refunds';
const FAILURE_CODE: Record<Settling, string> = {
  sandbox_payouts: 'REJECTED_BY_CHANNEL',
  sandbox_refunds: 'REFUND_FAILED',
};

/** The row's state column is the truth; `data` holds the rest of the gateway resource. */
const record = <T>(r: Row<T>): T => ({ ...r.data, state: r.state });
const first = <T>(rows: Array<Row<T>>): T | null => (rows[0] ? record(rows[0]) : null);
/** TypeORM answers an `UPDATE ... RETURNING` with `[rows, affected]`. */
type Updated<T> = [Array<Row<T>>, number];
const firstUpdated = <T>([rows]: Updated<T>): T | null => first(rows);

/**
 * The sandbox gateways' records in PostgreSQL (ADR 0095), so restarts and a second instance on the
 * same database see them. Every state change is a single `UPDATE ... WHERE state = ... RETURNING`:
 * of two instances (or a timer and a read) racing for one transition exactly one gets the row, and
 * only that one sends the webhook.
 */
@Injectable()
export class SandboxRecords {
  constructor(private readonly ds: DataSource) {}

  /** Runs `fn` in one transaction; its `after` hooks run once it committed. */
  async tx<T>(fn: (tx: SandboxTx) => Promise<T>): Promise<T> {
    const after: Array<() => void> = [];
    const result = await this.ds.transaction((m) => fn({ q: m, after }));
    for (const hook of after) hook();
    return result;
  }

  // ---- idempotency replies -----------------------------------------------------------------------

  /** Serialises creates with the same key (across instances) until the transaction ends. */
  async lockKey(q: Queryable, scoped: string): Promise<void> {
    await q.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `sandbox-idem:${scoped}`,
    ]);
  }

  async reply(q: Queryable, scoped: string): Promise<IdempotentReply | null> {
    const rows = await q.query<IdempotentReply[]>(
      `SELECT fingerprint, status, body FROM sandbox_idempotency WHERE key = $1`,
      [scoped],
    );
    return rows[0] ?? null;
  }

  async saveReply(q: Queryable, scoped: string, reply: IdempotentReply): Promise<void> {
    await q.query(
      `INSERT INTO sandbox_idempotency (key, fingerprint, status, body) VALUES ($1, $2, $3, $4::jsonb)`,
      [scoped, reply.fingerprint, reply.status, JSON.stringify(reply.body)],
    );
  }

  // ---- checkouts ---------------------------------------------------------------------------------

  async insertCheckout(q: Queryable, c: SandboxCheckout): Promise<void> {
    await q.query(
      `INSERT INTO sandbox_checkouts (id, provider, state, payment_id, data) VALUES ($1, $2, $3, $4, $5::jsonb)`,
      [c.id, c.provider, c.state, c.paymentId, JSON.stringify(c)],
    );
  }

  async checkout(id: string, q: Queryable = this.ds): Promise<SandboxCheckout | null> {
    return first(
      await q.query<Array<Row<SandboxCheckout>>>(
        `SELECT state, data FROM sandbox_checkouts WHERE id = $1`,
        [id],
      ),
    );
  }

  /** A checkout by its payment id (or, for Xendit refunds, its invoice id), optionally row-locked. */
  async checkoutFor(
    provider: SandboxProvider,
    by: { paymentId: string } | { id: string },
    q: Queryable = this.ds,
    lock = false,
  ): Promise<SandboxCheckout | null> {
    const [column, value] = 'paymentId' in by ? ['payment_id', by.paymentId] : ['id', by.id];
    return first(
      await q.query<Array<Row<SandboxCheckout>>>(
        `SELECT state, data FROM sandbox_checkouts WHERE provider = $1 AND ${column} = $2
         ORDER BY seq LIMIT 1 ${lock ? 'FOR UPDATE' : ''}`,
        [provider, value],
      ),
    );
  }

  /** Oldest first. */
  async checkouts(): Promise<SandboxCheckout[]> {
    const rows = await this.ds.query<Array<Row<SandboxCheckout>>>(
      `SELECT state, data FROM sandbox_checkouts ORDER BY seq`,
    );
    return rows.map(record);
  }

  async countCheckouts(): Promise<number> {
    const [r] = await this.ds.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM sandbox_checkouts`,
    );
    return Number(r.n);
  }

  /**
   * Moves a checkout from one of `from` (any state when null) to `state`, merging `patch` into the
   * resource; null when it is not there or not in such a state.
   */
  async transitionCheckout(
    id: string,
    from: SandboxCheckoutState[] | null,
    state: SandboxCheckoutState,
    patch: Partial<SandboxCheckout>,
    provider?: SandboxProvider,
  ): Promise<SandboxCheckout | null> {
    return firstUpdated(
      await this.ds.query<Updated<SandboxCheckout>>(
        `UPDATE sandbox_checkouts
         SET state = $3, payment_id = COALESCE($4, payment_id), data = data || $5::jsonb
         WHERE id = $1 AND ($2::text[] IS NULL OR state = ANY($2::text[]))
           AND ($6::text IS NULL OR provider = $6)
         RETURNING state, data`,
        [id, from, state, patch.paymentId ?? null, JSON.stringify(patch), provider ?? null],
      ),
    );
  }

  /** One failed payment attempt on an open checkout (it stays open). */
  async failAttempt(id: string, now: number): Promise<SandboxCheckout | null> {
    return firstUpdated(
      await this.ds.query<Updated<SandboxCheckout>>(
        `UPDATE sandbox_checkouts
         SET data = data || jsonb_build_object(
           'failedAttempts', (data->>'failedAttempts')::int + 1, 'updatedAt', $2::bigint)
         WHERE id = $1 AND state = 'open'
         RETURNING state, data`,
        [id, now],
      ),
    );
  }

  // ---- payouts and refunds -------------------------------------------------------------------------

  async insertPayout(
    q: Queryable,
    p: SandboxPayout,
    settleAt: Date,
    fails: boolean,
  ): Promise<void> {
    await q.query(
      `INSERT INTO sandbox_payouts (id, provider, state, settle_at, settle_fails, data)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [p.id, p.provider, p.state, settleAt, fails, JSON.stringify(p)],
    );
  }

  async payout(id: string): Promise<SandboxPayout | null> {
    return first(
      await this.ds.query<Array<Row<SandboxPayout>>>(
        `SELECT state, data FROM sandbox_payouts WHERE id = $1`,
        [id],
      ),
    );
  }

  async countPayouts(): Promise<number> {
    const [r] = await this.ds.query<Array<{ n: string }>>(
      `SELECT count(*) AS n FROM sandbox_payouts`,
    );
    return Number(r.n);
  }

  /** succeeded → reversed (Xendit only); null when not a succeeded Xendit payout. */
  async reversePayout(id: string, now: number): Promise<SandboxPayout | null> {
    return firstUpdated(
      await this.ds.query<Updated<SandboxPayout>>(
        `UPDATE sandbox_payouts SET state = 'reversed', data = data || jsonb_build_object('updatedAt', $2::bigint)
         WHERE id = $1 AND provider = 'xendit' AND state = 'succeeded'
         RETURNING state, data`,
        [id, now],
      ),
    );
  }

  async insertRefund(
    q: Queryable,
    r: SandboxRefund,
    settleAt: Date,
    fails: boolean,
  ): Promise<void> {
    await q.query(
      `INSERT INTO sandbox_refunds (id, provider, checkout_id, amount, state, settle_at, settle_fails, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [r.id, r.provider, r.checkoutId, r.amount, r.state, settleAt, fails, JSON.stringify(r)],
    );
  }

  async refund(id: string): Promise<SandboxRefund | null> {
    return first(
      await this.ds.query<Array<Row<SandboxRefund>>>(
        `SELECT state, data FROM sandbox_refunds WHERE id = $1`,
        [id],
      ),
    );
  }

  /** Oldest first; all of them, one provider's, or one checkout's. */
  async refunds(
    filter: { provider?: SandboxProvider; checkoutId?: string } = {},
  ): Promise<SandboxRefund[]> {
    const rows = await this.ds.query<Array<Row<SandboxRefund>>>(
      `SELECT state, data FROM sandbox_refunds
       WHERE ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR checkout_id = $2)
       ORDER BY seq`,
      [filter.provider ?? null, filter.checkoutId ?? null],
    );
    return rows.map(record);
  }

  /** Centavos taken by the checkout's refunds that did not fail (read under the checkout's lock). */
  async refunded(q: Queryable, checkoutId: string): Promise<number> {
    const [r] = await q.query<Array<{ n: string }>>(
      `SELECT COALESCE(sum(amount), 0) AS n FROM sandbox_refunds WHERE checkout_id = $1 AND state <> 'failed'`,
      [checkoutId],
    );
    return Number(r.n);
  }

  /**
   * pending → succeeded or failed (as decided at creation). `dueOnly`: only once its settle time has
   * passed (a read finding it late, e.g. after a restart lost the timer). Null when another caller
   * settled it first, or it is not due.
   */
  async settle<T extends SandboxPayout | SandboxRefund>(
    table: Settling,
    id: string,
    dueOnly: boolean,
  ): Promise<T | null> {
    return firstUpdated(
      await this.ds.query<Updated<T>>(
        `UPDATE ${table}
         SET state = CASE WHEN settle_fails THEN 'failed' ELSE 'succeeded' END,
             data = data || jsonb_build_object(
               'failureCode', CASE WHEN settle_fails THEN $4::text END, 'updatedAt', $2::bigint)
         WHERE id = $1 AND state = 'pending' AND (NOT $3::boolean OR settle_at <= now())
         RETURNING state, data`,
        [id, Date.now(), dueOnly, FAILURE_CODE[table]],
      ),
    );
  }

  /** Pending ones and how long until each is due (timers to re-arm after a restart). */
  async pending(table: Settling): Promise<Array<{ id: string; inMs: number }>> {
    const rows = await this.ds.query<Array<{ id: string; in_ms: string }>>(
      `SELECT id, GREATEST(0, floor(extract(epoch FROM settle_at - now()) * 1000)) AS in_ms
       FROM ${table} WHERE state = 'pending' ORDER BY settle_at LIMIT 1000`,
    );
    return rows.map((r) => ({ id: r.id, inMs: Number(r.in_ms) }));
  }

  /**
   * After a restart, arms a timer for every pending record of `table` (by when it settles). Not fatal
   * when it fails: any read of a record settles it once it is due.
   */
  async rearmPending(
    table: Settling,
    arm: (id: string, inMs: number) => void,
    log: Logger,
  ): Promise<void> {
    try {
      for (const r of await this.pending(table)) arm(r.id, r.inMs);
    } catch (err) {
      log.warn(`Could not re-arm pending ${table}: ${String(err)}`);
    }
  }

  /** Forgets every record (the control API's reset; each test database is its own sandbox). */
  async deleteAll(): Promise<void> {
    await this.ds.query(
      `TRUNCATE sandbox_refunds, sandbox_payouts, sandbox_checkouts, sandbox_idempotency`,
    );
  }
}
