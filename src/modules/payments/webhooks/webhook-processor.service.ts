import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type {
  NormalisedWebhookEvent,
  PaymentProviderName,
  WebhookHeaders,
} from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { ProviderError } from '../providers/provider-errors';
import { SettlementService } from '../settlement/settlement.service';
import type {
  AfterCommit,
  SettlementEvent,
  SettlementOutcome,
} from '../settlement/settlement.types';
import {
  NewWebhookEvent,
  WebhookEventsRepository,
  WebhookEventStatus,
} from './webhook-events.repository';
import { webhookOutcomes } from './webhook.metrics';

export interface ProcessResult {
  status: WebhookEventStatus | 'DUPLICATE';
  eventRowId: string | null;
}

const SETTLING = new Set([
  'paid',
  'failed',
  'expired',
  'payout_succeeded',
  'payout_failed',
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
    private readonly ds: DataSource,
    private readonly providers: PaymentProviderRegistry,
    private readonly events: WebhookEventsRepository,
    private readonly settlement: SettlementService,
  ) {}

  /** Throws WebhookRejectedError (401) / WebhookPayloadError (400) before anything is stored. */
  async receive(
    provider: PaymentProviderName,
    rawBody: Buffer,
    headers: WebhookHeaders,
  ): Promise<ProcessResult> {
    const event = this.providers.get(provider).verifyWebhook(rawBody, headers);
    // Xendit redeliveries would cost a gateway round trip to confirm: skip known ones early. The unique
    // constraint below is what actually guarantees single processing, for both gateways.
    if (provider === 'xendit' && (await this.events.exists(provider, event.eventId))) {
      webhookOutcomes.inc({ provider, outcome: 'DUPLICATE' });
      return { status: 'DUPLICATE', eventRowId: null };
    }
    const { settlement, unconfirmed } = await this.confirm(event);
    const stored: NewWebhookEvent = {
      provider,
      eventId: event.eventId,
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
  async replay(id: string): Promise<{ status: WebhookEventStatus; found: boolean }> {
    let after: AfterCommit[] = [];
    const result = await this.ds.transaction(async (m) => {
      const row = await this.events.lock(id, m);
      if (!row) return null;
      let finding = row.normalised as SettlementEvent | null;
      let status: WebhookEventStatus;
      let reason: string | null;
      let txnId: string | null = null;
      if (!finding || !SETTLING.has(finding.type)) {
        status = 'IGNORED';
        reason = 'not a settling event';
      } else {
        if (row.provider === 'xendit') {
          const confirmed = await this.confirmXendit(finding);
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
        const o = await this.settlement.apply(finding, m);
        ({ status, reason, transactionId: txnId } = o);
        after = o.afterCommit;
      }
      await this.events.setOutcome(row.id, { status, reason, transactionId: txnId }, m, true);
      return status;
    });
    if (result === null) return { status: 'IGNORED', found: false };
    await this.runAfterCommit(after);
    return { status: result, found: true };
  }

  private async storeAndApply(
    stored: NewWebhookEvent,
    settlement: SettlementEvent | null,
    unconfirmed: string | null,
  ): Promise<ProcessResult> {
    const provider = stored.provider;
    let outcome: SettlementOutcome | null = null;
    let rowId: string | null;
    try {
      rowId = await this.ds.transaction(async (m) => {
        const id = await this.events.insert(stored, 'IGNORED', m);
        if (!id) return null; // a concurrent delivery of the same event stored and applied it
        if (unconfirmed) {
          await this.events.setOutcome(
            id,
            { status: 'UNCONFIRMED', reason: unconfirmed, transactionId: null },
            m,
          );
          outcome = {
            status: 'IGNORED',
            transactionId: null,
            reason: unconfirmed,
            afterCommit: [],
          };
          return id;
        }
        outcome =
          settlement && SETTLING.has(settlement.type)
            ? await this.settlement.apply(settlement, m)
            : {
                status: 'IGNORED',
                transactionId: null,
                reason: 'event not relevant',
                afterCommit: [],
              };
        await this.events.setOutcome(id, outcome, m);
        return id;
      });
    } catch (err) {
      // The effect failed (a bug or a database fault): keep the event, flagged, so admin can replay it
      // and reconciliation still settles the payment; the gateway gets its 200 and stops retrying.
      this.log.error(
        `Applying ${provider} ${stored.eventId} failed: ${err instanceof Error ? err.message : String(err)}`,
      );
      rowId = await this.ds.transaction(async (m) => {
        const id = await this.events.insert(stored, 'ERROR', m);
        if (id)
          await this.events.setOutcome(
            id,
            { status: 'ERROR', reason: 'processing failed; replay it', transactionId: null },
            m,
          );
        return id;
      });
      webhookOutcomes.inc({ provider, outcome: 'ERROR' });
      return { status: rowId ? 'ERROR' : 'DUPLICATE', eventRowId: rowId };
    }
    if (rowId === null) {
      webhookOutcomes.inc({ provider, outcome: 'DUPLICATE' });
      return { status: 'DUPLICATE', eventRowId: null };
    }
    const final = unconfirmed
      ? 'UNCONFIRMED'
      : ((outcome as SettlementOutcome | null)?.status ?? 'IGNORED');
    webhookOutcomes.inc({ provider, outcome: final });
    await this.runAfterCommit((outcome as SettlementOutcome | null)?.afterCommit ?? []);
    return { status: final, eventRowId: rowId };
  }

  /**
   * Xendit's token is static (anyone who learns it could forge a callback), so before money moves the
   * invoice/payout is fetched from Xendit and its answer is what we apply.
   */
  private async confirm(
    event: NormalisedWebhookEvent,
  ): Promise<{ settlement: SettlementEvent | null; unconfirmed: string | null }> {
    const base = toSettlement(event);
    if (!base || event.provider !== 'xendit') return { settlement: base, unconfirmed: null };
    return this.confirmXendit(base);
  }

  private async confirmXendit(
    s: SettlementEvent,
  ): Promise<
    | { settlement: SettlementEvent; unconfirmed: null }
    | { settlement: SettlementEvent; unconfirmed: string }
  > {
    const xendit = this.providers.get('xendit');
    try {
      const refundIds = s.refundIds ?? [];
      if (refundIds.length === 1) {
        const r = await xendit.getRefund(refundIds[0]);
        if (r.status === 'pending')
          return { settlement: s, unconfirmed: 'Xendit reports the refund still pending' };
        return {
          settlement: {
            ...s,
            type: r.status === 'succeeded' ? 'refund_succeeded' : 'refund_failed',
            amount: r.amount,
            transactionHint: r.reference ?? s.transactionHint,
          },
          unconfirmed: null,
        };
      }
      if (s.payoutId) {
        const p = await xendit.getPayout(s.payoutId);
        if (p.status === 'pending')
          return { settlement: s, unconfirmed: 'Xendit reports the payout still pending' };
        return {
          settlement: {
            ...s,
            type: p.status === 'succeeded' ? 'payout_succeeded' : 'payout_failed',
            amount: p.amount,
          },
          unconfirmed: null,
        };
      }
      if (s.checkoutId) {
        const st = await xendit.getCheckoutStatus(s.checkoutId);
        if (st.status === 'pending')
          return { settlement: s, unconfirmed: 'Xendit reports the invoice still pending' };
        return {
          settlement: {
            ...s,
            type: st.status,
            amount: st.amount,
            currency: st.currency,
            paymentId: st.paymentId ?? s.paymentId,
          },
          unconfirmed: null,
        };
      }
      return { settlement: s, unconfirmed: 'callback names no invoice or payout' };
    } catch (err) {
      const why = err instanceof ProviderError ? `${err.kind}` : 'error';
      return {
        settlement: s,
        unconfirmed: `could not confirm with Xendit (${why}); reconciliation will settle it`,
      };
    }
  }

  private async runAfterCommit(after: AfterCommit[]): Promise<void> {
    for (const fn of after) {
      try {
        await fn();
      } catch (err) {
        this.log.warn(
          `after-commit hook failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  }
}

const isRefund = (t: string) => t === 'refund_succeeded' || t === 'refund_failed';

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
