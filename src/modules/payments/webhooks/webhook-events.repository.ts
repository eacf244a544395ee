import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { PaymentProviderName } from '../providers/payment-provider';
import { isUuid } from 'src/common/ids/uuid';
import { newestFirstPage } from './newest-first-page';

export type WebhookEventStatus =
  'PROCESSED' | 'NO_OP' | 'IGNORED' | 'FLAGGED' | 'UNCONFIRMED' | 'ERROR';
export const WEBHOOK_EVENT_STATUSES: WebhookEventStatus[] = [
  'PROCESSED',
  'NO_OP',
  'IGNORED',
  'FLAGGED',
  'UNCONFIRMED',
  'ERROR',
];

/** What became of an event: stored with it (first delivery) or set on its row (replay). */
export interface EventOutcome {
  status: WebhookEventStatus;
  reason: string | null;
  transactionId: string | null;
}

export interface NewWebhookEvent {
  provider: PaymentProviderName;
  eventId: string;
  eventType: string;
  kind: string;
  source: 'webhook' | 'reconciliation';
  checkoutId: string | null;
  payoutId: string | null;
  amount: number | null;
  currency: string | null;
  livemode: boolean;
  rawBody: string | null;
  payload: unknown;
  normalised: unknown;
}

interface Row {
  id: string;
  provider: PaymentProviderName;
  event_id: string;
  event_type: string;
  kind: string;
  source: string;
  status: WebhookEventStatus;
  reason: string | null;
  transaction_id: string | null;
  checkout_id: string | null;
  payout_id: string | null;
  amount: string | null;
  currency: string | null;
  livemode: boolean;
  normalised: unknown;
  payload: unknown;
  replay_count: number;
  received_at: Date;
  processed_at: Date | null;
}

export interface WebhookEventView {
  id: string;
  provider: PaymentProviderName;
  eventId: string;
  eventType: string;
  kind: string;
  source: string;
  status: WebhookEventStatus;
  reason: string | null;
  transactionId: string | null;
  checkoutId: string | null;
  payoutId: string | null;
  amount: number | null;
  currency: string | null;
  livemode: boolean;
  replayCount: number;
  receivedAt: string;
  processedAt: string | null;
}

export interface StoredWebhookEvent extends WebhookEventView {
  normalised: unknown;
  payload: unknown;
}

/** SQL for `webhook_events`; the (provider, event_id) unique constraint is the dedupe. */
@Injectable()
export class WebhookEventsRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Stores the event with its outcome, or returns null when it is already stored. A concurrent insert
   * of the same key waits for the first transaction and then returns null.
   */
  async insert(e: NewWebhookEvent, o: EventOutcome, m?: EntityManager): Promise<string | null> {
    const rows = await (m ?? this.ds).query<Array<{ id: string }>>(`${INSERT_SQL} RETURNING id`, [
      ...insertParams(e, o),
    ]);
    return rows[0]?.id ?? null;
  }

  /**
   * `insert`, and for a copy of a stored event the stored row's id and status in the same round trip.
   * `unseen` when the stored row was committed by a concurrent transaction while this statement waited
   * on it: it is outside the statement's snapshot, so the caller looks it up afresh (`failedId`).
   * Without `m` the statement runs on its own (autocommit).
   */
  async insertOrFind(
    e: NewWebhookEvent,
    o: EventOutcome,
    m?: EntityManager,
  ): Promise<
    { inserted: string } | { stored: { id: string; status: WebhookEventStatus } } | { unseen: true }
  > {
    const rows = await (m ?? this.ds).query<
      Array<{ id: string; status: WebhookEventStatus | null }>
    >(
      `WITH ins AS (${INSERT_SQL} RETURNING id)
       SELECT id, NULL::text AS status FROM ins
       UNION ALL
       SELECT id, status FROM webhook_events
        WHERE provider = $1 AND event_id = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      insertParams(e, o),
    );
    const row = rows[0];
    if (!row) return { unseen: true };
    return row.status === null
      ? { inserted: row.id }
      : { stored: { id: row.id, status: row.status } };
  }

  /** Stored and not failed: a copy needs no work. */
  async settled(provider: PaymentProviderName, eventId: string): Promise<boolean> {
    const rows = await this.ds.query<unknown[]>(
      `SELECT 1 FROM webhook_events WHERE provider = $1 AND event_id = $2 AND status <> 'ERROR'`,
      [provider, eventId],
    );
    return rows.length > 0;
  }

  /** The row of a stored event whose processing failed, if it is one. */
  async failedId(provider: PaymentProviderName, eventId: string): Promise<string | null> {
    const rows = await this.ds.query<Array<{ id: string }>>(
      `SELECT id FROM webhook_events WHERE provider = $1 AND event_id = $2 AND status = 'ERROR'`,
      [provider, eventId],
    );
    return rows[0]?.id ?? null;
  }

  async setOutcome(id: string, o: EventOutcome, m: EntityManager, replay = false): Promise<void> {
    await m.query(
      `UPDATE webhook_events SET status = $2, reason = $3, transaction_id = coalesce($4, transaction_id),
              processed_at = now(), replay_count = replay_count + $5
       WHERE id = $1`,
      [id, o.status, o.reason, o.transactionId, replay ? 1 : 0],
    );
  }

  async lock(id: string, m: EntityManager): Promise<StoredWebhookEvent | null> {
    if (!isUuid(id)) return null;
    const rows = await m.query<Row[]>(`SELECT * FROM webhook_events WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0]
      ? { ...toView(rows[0]), normalised: rows[0].normalised, payload: rows[0].payload }
      : null;
  }

  async findById(id: string): Promise<WebhookEventView | null> {
    if (!isUuid(id)) return null;
    const rows = await this.ds.query<Row[]>(`SELECT * FROM webhook_events WHERE id = $1`, [id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Newest first; cursor = id of the last item of the previous page. */
  async list(q: {
    provider?: string;
    status?: string;
    transactionId?: string;
    limit: number;
    cursor?: string;
  }): Promise<{ data: WebhookEventView[]; nextCursor: string | null }> {
    const filters: Array<[string, unknown]> = [];
    if (q.provider) filters.push(['provider', q.provider]);
    if (q.status) filters.push(['status', q.status]);
    if (q.transactionId) filters.push(['transaction_id', q.transactionId]);
    const { rows, nextCursor } = await newestFirstPage<Row>(this.ds, 'webhook_events', filters, q);
    return { data: rows.map(toView), nextCursor };
  }
}

const INSERT_SQL = `INSERT INTO webhook_events (provider, event_id, event_type, kind, source, checkout_id,
    payout_id, amount, currency, livemode, raw_body, payload, normalised, status, reason, transaction_id,
    processed_at)
  VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,now())
  ON CONFLICT (provider, event_id) DO NOTHING`;

/** The parameters of INSERT_SQL. */
function insertParams(e: NewWebhookEvent, o: EventOutcome): unknown[] {
  return [
    e.provider,
    e.eventId,
    e.eventType,
    e.kind,
    e.source,
    e.checkoutId,
    e.payoutId,
    e.amount,
    e.currency,
    e.livemode,
    e.rawBody,
    e.payload === undefined ? null : JSON.stringify(e.payload),
    JSON.stringify(e.normalised),
    o.status,
    o.reason,
    o.transactionId,
  ];
}

function toView(r: Row): WebhookEventView {
  return {
    id: r.id,
    provider: r.provider,
    eventId: r.event_id,
    eventType: r.event_type,
    kind: r.kind,
    source: r.source,
    status: r.status,
    reason: r.reason,
    transactionId: r.transaction_id,
    checkoutId: r.checkout_id,
    payoutId: r.payout_id,
    amount: r.amount === null ? null : Number(r.amount),
    currency: r.currency,
    livemode: r.livemode,
    replayCount: r.replay_count,
    receivedAt: r.received_at.toISOString(),
    processedAt: r.processed_at ? r.processed_at.toISOString() : null,
  };
}
