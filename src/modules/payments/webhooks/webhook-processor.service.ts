import { Injectable, Logger } from '@nestjs/common';
import { DatabaseOutage } from 'src/common/database/database-outage';
import { UnitOfWork, type Work } from 'src/common/database/unit-of-work';
import type {
  NormalisedWebhookEvent,
  PaymentProviderName,
  WebhookHeaders,
} from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { confirmWithGateway } from './gateway-confirmation';
import { SettlementService } from '../settlement/settlement.service';
import type { SettlementEvent, SettlementOutcome } from '../settlement/settlement.types';
import {
  EventOutcome,
  NewWebhookEvent,
  WebhookEventsRepository,
  WebhookEventStatus,
} from './webhook-events.repository';
import { webhookOutcomes } from './webhook.metrics';

export interface ProcessResult {
  status: WebhookEventStatus | 'DUPLICATE';
  eventRowId: string | null;
}

/**
 * Applying a stored event failed (a bug or a database fault). The webhook is answered 503 so the
 * gateway delivers it again; the stored ERROR row is applied by that next copy (or an admin replay).
 */
export class WebhookProcessingError extends Error {
  constructor(readonly eventRowId: string | null) {
    super('webhook processing failed');
    this.name = 'WebhookProcessingError';
  }
}

const SETTLING = new Set([
  'paid',
  'failed',
  'expired',
  'payout_succeeded',
  'payout_failed',
  'payout_reversed',
  'refund_succeeded',
  'refund_failed',
]);

/**
 * Verify → (Xendit: confirm with the gateway) → store the event and apply its effect in ONE database
 * transaction → publish realtime events after commit. The unique (provider, event_id) makes repeats
 * no-ops; the locked transaction row makes two different events for one payment credit once.
 */
@Injectable()
export class WebhookProcessor {
  private readonly log = new Logger('Webhooks');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly providers: PaymentProviderRegistry,
    private readonly events: WebhookEventsRepository,
    private readonly settlement: SettlementService,
    private readonly outage: DatabaseOutage,
  ) {}

  webhooksConfigured(provider: PaymentProviderName): boolean {
    return this.providers.get(provider).webhooksConfigured;
  }

  /** Throws WebhookRejectedError (401) / WebhookPayloadError (400) before anything is stored. */
  async receive(
    provider: PaymentProviderName,
    rawBody: Buffer,
    headers: WebhookHeaders,
  ): Promise<ProcessResult> {
    const gateway = this.providers.get(provider);
    const event = gateway.verifyWebhook(rawBody, headers);
    const refetch = gateway.capabilities.refetchBeforeSettling;
    // Redeliveries of a gateway whose callbacks are re-fetched would cost a round trip to confirm:
    // skip known ones early. Safe because such an event id is only ever stored for what the re-fetch
    // confirmed (below), so an earlier forged callback cannot occupy it. The unique constraint is what
    // actually guarantees single processing, for every gateway.
    if (refetch && (await this.events.settled(provider, event.eventId))) {
      webhookOutcomes.inc({ provider, outcome: 'DUPLICATE' });
      return { status: 'DUPLICATE', eventRowId: null };
    }
    const { settlement, unconfirmed } = await this.confirm(event);
    const stored: NewWebhookEvent = {
      provider,
      eventId: refetch ? confirmedDedupeId(event.eventId, settlement, unconfirmed) : event.eventId,
      eventType: event.rawType,
      kind: event.type,
      source: 'webhook',
      checkoutId: event.checkoutId,
      payoutId: event.payoutId,
      amount: event.amount,
      currency: event.currency,
      livemode: event.livemode,
      rawBody: rawBody.toString('utf8'),
      payload: event.raw,
      normalised: settlement ?? toSettlement(event),
    };
    return this.storeAndApply(stored, unconfirmed ? null : settlement, unconfirmed);
  }

  /** Reconciliation findings go through the same path as webhooks (stored with a synthetic id). */
  applyFinding(finding: SettlementEvent, note: string): Promise<ProcessResult> {
    return this.storeAndApply(
      {
        provider: finding.provider,
        eventId: finding.eventId,
        eventType: 'reconciliation',
        kind: finding.type,
        source: 'reconciliation',
        checkoutId: finding.checkoutId,
        payoutId: finding.payoutId,
        amount: finding.amount,
        currency: finding.currency,
        livemode: false,
        rawBody: null,
        payload: { note },
        normalised: finding,
      },
      finding,
      null,
    );
  }

  /** Re-applies a stored event (admin replay). Effects are idempotent, so a replay never moves money twice. */
  async replay(
    id: string,
    onlyIfFailed = false,
  ): Promise<{ status: WebhookEventStatus; found: boolean }> {
    const result = await this.uow.run('webhook.replay', async (m, work) => {
      const row = await this.events.lock(id, m);
      if (!row) return null;
      // A gateway copy of a failed event: another copy may have applied it meanwhile.
      if (onlyIfFailed && row.status !== 'ERROR') return row.status;
      let finding = row.normalised as SettlementEvent | null;
      if (!finding || !SETTLING.has(finding.type)) {
        const ignored = {
          status: 'IGNORED' as const,
          reason: 'not a settling event',
          transactionId: null,
        };
        await this.events.setOutcome(row.id, ignored, m, true);
        return 'IGNORED' as const;
      }
      const gateway = this.providers.byName(row.provider);
      if (gateway.capabilities.refetchBeforeSettling) {
        const confirmed = await confirmWithGateway(gateway, finding);
        if (confirmed.unconfirmed) {
          await this.events.setOutcome(
            row.id,
            { status: 'UNCONFIRMED', reason: confirmed.unconfirmed, transactionId: null },
            m,
            true,
          );
          return 'UNCONFIRMED' as const;
        }
        finding = confirmed.settlement;
      }
      // As a first delivery: the outcome recorded, then the money moved (see storeAndApply).
      const o = await this.settlement.apply(finding, m);
      await this.events.setOutcome(row.id, o, m, true);
      await runEffect(o, work);
      return o.status;
    });
    if (result === null) return { status: 'IGNORED', found: false };
    return { status: result, found: true };
  }

  private async storeAndApply(
    stored: NewWebhookEvent,
    settlement: SettlementEvent | null,
    unconfirmed: string | null,
  ): Promise<ProcessResult> {
    const provider = stored.provider;
    let applied: { id: string; status: WebhookEventStatus } | Copy;
    try {
      applied =
        settlement && !unconfirmed && SETTLING.has(settlement.type)
          ? await this.decideStoreAndApply(stored, settlement)
          : await this.storeOnly(
              stored,
              unconfirmed
                ? { status: 'UNCONFIRMED', reason: unconfirmed, transactionId: null }
                : { status: 'IGNORED', reason: 'event not relevant', transactionId: null },
            );
    } catch (err) {
      // The effect failed (a bug or a database fault): keep the event, flagged ERROR, and answer 5xx
      // so the gateway delivers it again; that copy applies the stored row (below).
      this.logFailure(`Applying ${provider} ${stored.eventId} failed`, err);
      webhookOutcomes.inc({ provider, outcome: 'ERROR' });
      throw new WebhookProcessingError(await this.flagError(stored));
    }
    if ('copy' in applied) return this.redelivered(stored, applied.copy);
    webhookOutcomes.inc({ provider, outcome: applied.status });
    return { status: applied.status, eventRowId: applied.id };
  }

  /** Nothing to lock or apply: the event is stored with its outcome by one statement. */
  private async storeOnly(
    stored: NewWebhookEvent,
    o: EventOutcome,
  ): Promise<{ id: string; status: WebhookEventStatus } | Copy> {
    const ins = fromInsert(await this.events.insertOrFind(stored, o));
    return 'copy' in ins ? ins : { id: ins.id, status: o.status };
  }

  /**
   * Decides under the transaction row lock, then stores the event WITH its outcome (one statement),
   * then moves the money (ledger last, so the hot clearing balance is locked only until COMMIT). A
   * copy of a stored event rolls back everything this attempt did (the row lock is released) and
   * goes the copy's way. Lock order: transaction row, then the event's unique key (ADR 0127).
   */
  private async decideStoreAndApply(
    stored: NewWebhookEvent,
    settlement: SettlementEvent,
  ): Promise<{ id: string; status: WebhookEventStatus } | Copy> {
    try {
      return await this.uow.run('webhook.apply', async (m, work) => {
        const outcome = await this.settlement.apply(settlement, m);
        const ins = fromInsert(await this.events.insertOrFind(stored, outcome, m));
        if ('copy' in ins) throw new StoredBefore(ins);
        await runEffect(outcome, work);
        return { id: ins.id, status: outcome.status };
      });
    } catch (err) {
      if (err instanceof StoredBefore) return err.copy;
      throw err;
    }
  }

  /**
   * A copy of a stored event. One whose processing failed earlier is applied now, under the row lock
   * (the gateway's retry is how a failed event heals); any other is a duplicate.
   */
  private async redelivered(stored: NewWebhookEvent, row: Copy['copy']): Promise<ProcessResult> {
    const provider = stored.provider;
    // The stored row came with the insert, unless a concurrent delivery committed it meanwhile.
    const failed = row
      ? row.status === 'ERROR'
        ? row.id
        : null
      : await this.events.failedId(provider, stored.eventId);
    if (failed) {
      let replayed: { status: WebhookEventStatus };
      try {
        replayed = await this.replay(failed, true);
      } catch (err) {
        this.logFailure(`Re-applying ${provider} ${stored.eventId} failed`, err);
        webhookOutcomes.inc({ provider, outcome: 'ERROR' });
        throw new WebhookProcessingError(failed);
      }
      webhookOutcomes.inc({ provider, outcome: replayed.status });
      return { status: replayed.status, eventRowId: failed };
    }
    webhookOutcomes.inc({ provider, outcome: 'DUPLICATE' });
    return { status: 'DUPLICATE', eventRowId: null };
  }

  /**
   * A failure of this event is logged; the database being unreachable is not this event's failure but
   * the outage, which DatabaseOutage logs once per transition (a storm of deliveries during a restart
   * would otherwise log a line or two per delivery). The 5xx still makes the gateway deliver again.
   */
  private logFailure(what: string, err: unknown): void {
    if (!this.outage.reportIfUnavailable(err)) this.log.error(`${what}: ${messageOf(err)}`);
  }

  /** Best effort: the event row, flagged ERROR for admins and for the next delivery to apply. */
  private async flagError(stored: NewWebhookEvent): Promise<string | null> {
    try {
      return await this.uow.run('webhook.flag', (m) =>
        this.events.insert(
          stored,
          {
            status: 'ERROR',
            reason: 'processing failed; retried by the gateway',
            transactionId: null,
          },
          m,
        ),
      );
    } catch (err) {
      this.logFailure(`Could not flag ${stored.provider} ${stored.eventId}`, err);
      return null;
    }
  }

  /** Re-fetched from a gateway that declares `refetchBeforeSettling` (see confirmWithGateway). */
  private async confirm(
    event: NormalisedWebhookEvent,
  ): Promise<{ settlement: SettlementEvent | null; unconfirmed: string | null }> {
    const base = toSettlement(event);
    const gateway = this.providers.get(event.provider);
    if (!base || !gateway.capabilities.refetchBeforeSettling)
      return { settlement: base, unconfirmed: null };
    return confirmWithGateway(gateway, base);
  }
}

/** A copy of a stored event: the stored row, or null when it was not visible to the insert. */
interface Copy {
  copy: { id: string; status: WebhookEventStatus } | null;
}

function fromInsert(
  ins: Awaited<ReturnType<WebhookEventsRepository['insertOrFind']>>,
): { id: string } | Copy {
  if ('inserted' in ins) return { id: ins.inserted };
  return { copy: 'stored' in ins ? ins.stored : null };
}

/** Thrown to roll back an attempt that found its event stored already (nothing of it may stay). */
class StoredBefore extends Error {
  constructor(readonly copy: Copy) {
    super('event stored before');
  }
}

/**
 * The rest of a decided outcome, once it is recorded: its effect (a paid checkout's money movement,
 * ledger last), then its after-commit work.
 */
async function runEffect(o: SettlementOutcome, work: Work): Promise<void> {
  const after = o.effect ? await o.effect() : [];
  work.afterCommit(...after, ...o.afterCommit);
}

const isRefund = (t: string) => t === 'refund_succeeded' || t === 'refund_failed';
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function toSettlement(e: NormalisedWebhookEvent): SettlementEvent | null {
  if (e.type === 'ignored') return null;
  return {
    provider: e.provider,
    eventId: e.eventId,
    type: e.type,
    checkoutId: e.checkoutId,
    payoutId: e.payoutId,
    refundIds: e.refundIds,
    paymentIntentId: e.paymentIntentId,
    paymentId: e.paymentId,
    // A refund names our REFUND transaction by its own reference; the payment's metadata names the
    // charge it refunds, which must never be taken for the refund.
    transactionHint: isRefund(e.type) ? e.reference : (e.metadata.transaction_id ?? e.reference),
    amount: e.amount,
    currency: e.currency,
  };
}

/**
 * The dedupe key of a re-fetched callback (Xendit's), from what the re-fetch confirmed rather than from what the
 * callback claims (its token is static, so a callback may be forged): `invoice:<id>:PAID|EXPIRED|FAILED`
 * or `payout.succeeded|payout.failed|payout.reversed:<id>`. A callback Xendit did not confirm is kept under its claimed
 * id plus `:unconfirmed`, so it is recorded once but never makes the genuine event a duplicate.
 */
export function confirmedDedupeId(
  claimedId: string,
  confirmed: SettlementEvent | null,
  unconfirmed: string | null,
): string {
  if (unconfirmed || !confirmed) return unconfirmed ? `${claimedId}:unconfirmed` : claimedId;
  if (confirmed.payoutId) {
    const outcome =
      confirmed.type === 'payout_succeeded'
        ? 'payout.succeeded'
        : confirmed.type === 'payout_reversed'
          ? 'payout.reversed'
          : 'payout.failed';
    return `${outcome}:${confirmed.payoutId}`;
  }
  if (confirmed.checkoutId)
    return `invoice:${confirmed.checkoutId}:${confirmed.type.toUpperCase()}`;
  return claimedId;
}
