import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { providerUnavailable } from '../../common/circuit-breaker/circuit-breaker';
import { CircuitBreakerRegistry } from '../../common/circuit-breaker/circuit-breaker.registry';
import { crashPoint } from '../../common/crash/crash-points';
import { UnitOfWork } from '../../common/database/unit-of-work';
import { AppError } from '../../common/errors/app-error';
import { pageOf } from '../../common/http/page';
import { formatPesos } from '../../common/money/money';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { AuditLogService } from '../audit/audit-log.service';
import { walletAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { WalletNotifier } from '../wallet/wallet-notifier';
import type {
  PaymentProvider,
  PayoutChannel,
  PayoutResult,
} from '../payments/providers/payment-provider';
import {
  PAYMENT_PROVIDER,
  PaymentProviderRegistry,
} from '../payments/providers/payment-provider.token';
import { payoutRailFor, PayoutRail } from '../payments/providers/gateway-capabilities';
import { ProviderError } from '../payments/providers/provider-errors';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import type { AfterCommit } from '../payments/settlement/settlement.types';
import { PlatformSettingsService } from '../platform-settings/platform-settings.service';
import type { PaymentMethodRow } from '../verification/payment-methods.repository';
import {
  toTransactionResponse,
  Transaction,
  TransactionResponse,
} from '../wallet/transaction.entity';
import { TransactionsService } from '../wallet/transactions.service';

export const PAYOUTS_IN_TRANSIT = 'payouts:in_transit';
const holdIdOf = (txnId: string) => `withdrawal:${txnId}`;
const LOCK_NAMESPACE = 7311;

/**
 * What the payout looked like when the request returned. `manual`: the gateway has no payout API
 * (PayMongo without transfers), nothing was sent, and an admin settles it (ADR 0055).
 */
export type PayoutState = 'pending' | 'succeeded' | 'failed' | 'unknown' | 'manual' | 'review';

/** Why a withdrawal waits in the admin queue before anything is sent (issue 10, item 4). */
type ReviewReason = 'new_payout_account' | 'first_bank_payout';

export interface WithdrawResult {
  transaction: TransactionResponse;
  payout: PayoutState;
}

interface PayoutDestination {
  /** The transfer rail chosen when the withdrawal was made (absent on older rows). */
  rail?: PayoutRail;
  channel: PayoutChannel;
  accountNumber: string;
  accountName: string;
  bankCode: string | null;
}

export interface AdminActor {
  id: string;
  requestId?: string;
}

/**
 * Withdrawals (ADR 0046): the amount is held in the ledger at once (it leaves `available`, not yet
 * `balance`), a PENDING WITHDRAWAL is written, and after commit one payout is requested with the
 * transaction id as idempotency key. Success posts the hold to `payouts:in_transit`; failure or admin
 * rejection voids it (money back, REFUND shown). An unknown outcome (timeout) is never re-sent: the
 * withdrawal stays PENDING for the gateway's callback or an admin. Every resolution locks the
 * withdrawal row, so a callback, an admin approve and an admin reject resolve it exactly once.
 */
@Injectable()
export class WithdrawalsService implements OnModuleInit {
  private readonly logger = new Logger('Withdrawals');

  constructor(
    private readonly ds: DataSource,
    private readonly uow: UnitOfWork,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly providers: PaymentProviderRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsService,
    private readonly settings: PlatformSettingsService,
    private readonly audit: AuditLogService,
    private readonly notifier: WalletNotifier,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.registerPayoutHandler({
      onSucceeded: async ({ txn, manager }) => this.succeedLocked(txn, manager, {}),
      onFailed: async ({ txn, manager }) => this.failLocked(txn, manager, 'payout failed'),
      onReversed: async ({ txn, event, manager }) =>
        this.reverseLocked(txn, manager, event.eventId),
    });
  }

  async withdraw(
    userId: string,
    input: { amount: number; paymentMethodId: string },
  ): Promise<WithdrawResult> {
    const breaker = this.breakers.find(this.provider.name);
    if (breaker?.state === 'open')
      throw providerUnavailable(this.provider.name, breaker.retryAfterSeconds());
    const limits = await this.settings.current();
    if (input.amount < limits.withdrawalMinAmount)
      throw AppError.badRequest(
        'AMOUNT_BELOW_MINIMUM',
        `The smallest withdrawal is ${limits.withdrawalMinAmount} centavos`,
      );
    // InstaPay carries up to its cap; above it PESONet, if the account has it (capability table).
    const rail = payoutRailFor(this.provider.capabilities, input.amount);
    if (!rail) {
      const instapay = this.provider.capabilities.payoutRails.find((r) => r.rail === 'instapay');
      throw AppError.unprocessable(
        'PAYOUT_RAIL_UNAVAILABLE',
        `Withdrawals above ${formatPesos(instapay?.maxAmount ?? 0)} need PESONet, which is not enabled on the ${this.provider.name} account`,
      );
    }
    // Recorded on the request's Idempotency-Key in the same transaction: a retry after a crash gets
    // this withdrawal back instead of making a second one (ADR 0060).
    const txnId = await this.uow.runOnce('withdrawal.create', async (m) => {
      // One withdrawal at a time per user, so the daily limits are checked exactly.
      await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_NAMESPACE, userId]);
      const [method] = await m.query<
        Array<PaymentMethodRow & { in_cooldown: boolean; paid_out_before: boolean }>
      >(
        `SELECT pm.*,
           pm.created_at > now() - make_interval(hours => $3) AS in_cooldown,
           EXISTS (SELECT 1 FROM transactions t WHERE t.payment_method_id = pm.id
                     AND t.type = 'WITHDRAWAL' AND t.status = 'COMPLETED') AS paid_out_before
         FROM payment_methods pm WHERE pm.id = $1 AND pm.user_id = $2 AND pm.is_verified
         FOR SHARE OF pm`,
        [input.paymentMethodId, userId, this.cfg.business.payoutAccountCooldownHours],
      );
      if (!method)
        throw AppError.notFound('PAYMENT_METHOD_NOT_FOUND', 'No such verified payout account');
      const [today] = await m.query<Array<{ n: string; total: string }>>(
        `SELECT count(*) AS n, coalesce(sum(amount), 0) AS total FROM transactions
         WHERE user_id = $1 AND type = 'WITHDRAWAL' AND status IN ('PENDING', 'COMPLETED')
           AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
        [userId],
      );
      if (
        Number(today.n) + 1 > limits.withdrawalDailyMaxCount ||
        Number(today.total) + input.amount > limits.withdrawalDailyMaxAmount
      )
        throw AppError.conflict(
          'WITHDRAWAL_LIMIT_EXCEEDED',
          `Daily limit: ${limits.withdrawalDailyMaxCount} withdrawals, ${limits.withdrawalDailyMaxAmount} centavos`,
        );
      // Someone who took over the login must not drain it to an account they just added.
      const review: ReviewReason | null = method.in_cooldown
        ? 'new_payout_account'
        : method.type === 'BANK' && !method.paid_out_before
          ? 'first_bank_payout'
          : null;
      const destination: PayoutDestination = {
        channel: method.type,
        accountNumber: method.account_number,
        accountName: method.account_name,
        bankCode: method.bank_code,
        rail: rail.rail,
      };
      const created = await this.transactions.createPending(
        {
          userId,
          type: 'WITHDRAWAL',
          amount: input.amount,
          provider: this.provider.name,
          paymentMethodId: method.id,
          description: `Withdrawal to ${method.type} ••••${method.account_number.slice(-4)}`,
          metadata: review
            ? { destination, rail: rail.rail, payoutState: 'review', reviewReason: review }
            : { destination, rail: rail.rail, payoutState: 'requested' },
        },
        m,
      );
      const hold = await this.ledger.hold(
        {
          holdId: holdIdOf(created.id),
          type: 'WITHDRAWAL',
          account: walletAccount(userId),
          counterparty: PAYOUTS_IN_TRANSIT,
          amount: input.amount,
          reference: created.id,
        },
        m,
      );
      if (hold.status === 'REJECTED')
        throw AppError.conflict('INSUFFICIENT_FUNDS', 'Not enough available balance');
      return created.id;
    });
    const txn = await this.transactions.findById(txnId);
    if (!txn) throw new Error(`withdrawal ${txnId} vanished`);
    // A held withdrawal (payoutState 'review') counts as requested: nothing is sent until an admin
    // releases it. The payout is asked for before anything else (the wallet notification reads the database and
    // must never stand between a committed hold and its payout). A retry whose first attempt died
    // before recording the gateway's answer asks again with the same gateway idempotency key.
    const payout = payoutRequested(txn) ? payoutStateOf(txn) : await this.requestPayout(txn);
    await this.uow.afterCommitted('withdrawal.create', [() => this.notifier.publish(userId)]);
    const current = (await this.transactions.findById(txn.id)) ?? txn;
    return { transaction: toTransactionResponse(current), payout };
  }

  /**
   * Scheduled: asks the gateway about payouts still PENDING (PayMongo reports transfers by polling;
   * Xendit also calls back). Each outcome is applied under the row lock, so a callback racing the poll
   * settles it once. Payouts whose request had an unknown outcome, and manual ones, have no gateway
   * id and are left to an admin: they are never (re-)sent.
   */
  async pollPayouts(): Promise<{
    succeeded: number;
    failed: number;
    pending: number;
    errors: number;
  }> {
    const counts = { succeeded: 0, failed: 0, pending: 0, errors: 0 };
    const rows = await this.ds.query<
      Array<{ id: string; provider: string; provider_reference: string }>
    >(
      `SELECT id, provider, provider_reference FROM transactions
       WHERE type = 'WITHDRAWAL' AND status = 'PENDING' AND provider_reference IS NOT NULL
       ORDER BY created_at LIMIT 500`,
    );
    for (const r of rows) {
      try {
        const payout = await this.providers.byName(r.provider).getPayout(r.provider_reference);
        if (payout.status === 'succeeded')
          await this.resolve(r.id, (t, m) => this.succeedLocked(t, m, {}));
        else if (payout.status === 'failed' || payout.status === 'reversed')
          // Still PENDING here: nothing was posted yet, so a reversal is a failure for us.
          await this.resolve(r.id, (t, m) => this.failLocked(t, m, `payout ${payout.status}`));
        counts[payout.status === 'reversed' ? 'failed' : payout.status]++;
      } catch (err) {
        counts.errors++;
        this.logger.warn(
          `Polling payout of ${r.id} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return counts;
  }

  /** Admin queue: withdrawals by status, oldest first (FIFO settlement); `cursor` is the last id seen. */
  async list(status: 'PENDING' | 'COMPLETED' | 'FAILED', limit: number, cursor?: string) {
    const rows = await this.ds.query<
      Array<{
        id: string;
        user_id: string;
        email: string;
        amount: string;
        status: string;
        provider: string | null;
        provider_reference: string | null;
        payment_method_id: string | null;
        metadata: Record<string, unknown>;
        created_at: Date;
        completed_at: Date | null;
      }>
    >(
      `SELECT t.*, u.email FROM transactions t JOIN users u ON u.id = t.user_id
       WHERE t.type = 'WITHDRAWAL' AND t.status = $1
         AND ($3::uuid IS NULL OR (t.created_at, t.id) > (SELECT created_at, id FROM transactions WHERE id = $3))
       ORDER BY t.created_at, t.id LIMIT $2`,
      [status, limit + 1, cursor ?? null],
    );
    return pageOf(
      rows,
      limit,
      (r) => ({
        id: r.id,
        userId: r.user_id,
        userEmail: r.email,
        amount: Number(r.amount),
        currency: 'PHP',
        status: r.status,
        provider: r.provider,
        providerReference: r.provider_reference,
        paymentMethodId: r.payment_method_id,
        destination: r.metadata.destination ?? null,
        payoutState: r.metadata.payoutState ?? null,
        rail: r.metadata.rail ?? null,
        adminReference: r.metadata.adminReference ?? null,
        createdAt: r.created_at.toISOString(),
        completedAt: r.completed_at ? r.completed_at.toISOString() : null,
      }),
      (r) => r.id,
    );
  }

  /**
   * Admin: the payout was made by hand (or confirmed) — post the hold. Exactly once. A withdrawal
   * held for review (new payout account) is instead released: its one payout request goes to the
   * gateway now, and the gateway's answer settles it as usual (a manual gateway queues it again).
   */
  approve(actor: AdminActor, id: string, reference: string): Promise<TransactionResponse> {
    return this.resolveByAdmin(actor, id, 'withdrawal.approve', { reference }, async (txn, m) => {
      if (txn.metadata.payoutState !== 'review')
        return this.succeedLocked(txn, m, { adminReference: reference, approvedBy: actor.id });
      await this.transactions.attachProvider(
        txn.id,
        {
          metadata: { payoutState: 'requested', reviewedBy: actor.id, reviewReference: reference },
        },
        m,
      );
      return [
        async () => {
          const released = await this.transactions.findById(txn.id);
          if (released) await this.requestPayout(released);
        },
      ];
    });
  }

  /** Admin: refuse the withdrawal — void the hold, the money returns (REFUND). Exactly once. */
  reject(actor: AdminActor, id: string, reason: string): Promise<TransactionResponse> {
    return this.resolveByAdmin(actor, id, 'withdrawal.reject', { reason }, (txn, m) =>
      this.failLocked(txn, m, `rejected by admin: ${reason}`),
    );
  }

  /** One request to the gateway, never repeated; its answer (or silence) decides the next step. */
  private async requestPayout(txn: Transaction): Promise<PayoutState> {
    const d = txn.metadata.destination as PayoutDestination;
    let result: PayoutResult;
    try {
      crashPoint('before-gateway-call');
      result = await this.provider.createPayout({
        reference: txn.id,
        idempotencyKey: `payout:${txn.id}`,
        amount: txn.amount,
        currency: 'PHP',
        channel: d.channel,
        accountNumber: d.accountNumber,
        accountName: d.accountName,
        ...(d.bankCode ? { bankCode: d.bankCode } : {}),
        ...(d.rail ? { rail: d.rail } : {}),
        description: 'iAyos withdrawal',
        metadata: { transaction_id: txn.id },
      });
    } catch (err) {
      if (err instanceof ProviderError && err.kind === 'ambiguous') {
        // Maybe sent: never send again. The callback or an admin resolves it.
        await this.transactions.attachProvider(txn.id, { metadata: { payoutState: 'unknown' } });
        this.logger.warn(`Payout of ${txn.id} has an unknown outcome; left PENDING`);
        return 'unknown';
      }
      // Surely not sent (refused, gateway down): give the money back now.
      this.logger.warn(
        `Payout of ${txn.id} was not accepted: ${err instanceof Error ? err.message : String(err)}`,
      );
      await this.resolve(txn.id, (t, m) => this.failLocked(t, m, 'payout not accepted'));
      return 'failed';
    }
    crashPoint('after-gateway-call');
    // Recording the answer. A database error here fails the request but never returns money for a
    // payout that went out: the key keeps the committed hold, and the retry asks the gateway again
    // with the same gateway key (same payout) and records it.
    if (result.status === 'manual') {
      // Nothing was sent and there is no gateway id, so the poll never picks it up; the hold stays
      // until an admin approves or rejects. Written under the lock, only while still PENDING.
      await this.resolve(txn.id, async (t, m) => {
        await this.transactions.attachProvider(t.id, { metadata: { payoutState: 'manual' } }, m);
        return [];
      });
      return 'manual';
    }
    await this.transactions.attachProvider(txn.id, {
      providerReference: result.payoutId,
      metadata: { payoutState: result.status },
    });
    if (result.status === 'succeeded')
      await this.resolve(txn.id, (t, m) => this.succeedLocked(t, m, {}));
    if (result.status === 'failed' || result.status === 'reversed')
      await this.resolve(txn.id, (t, m) => this.failLocked(t, m, 'payout failed'));
    return result.status === 'reversed' ? 'failed' : result.status;
  }

  private async resolve(
    id: string,
    fn: (txn: Transaction, m: EntityManager) => Promise<AfterCommit[]>,
  ): Promise<void> {
    await this.uow.run('withdrawal.resolve', async (m, work) => {
      const txn = await this.transactions.lockById(id, m);
      if (!txn || txn.status !== 'PENDING') return;
      work.afterCommit(...(await fn(txn, m)));
    });
  }

  private async resolveByAdmin(
    actor: AdminActor,
    id: string,
    action: string,
    detail: Record<string, unknown>,
    fn: (txn: Transaction, m: EntityManager) => Promise<AfterCommit[]>,
  ): Promise<TransactionResponse> {
    // With an Idempotency-Key the resolution is recorded on it: a retry after a crash gets the
    // resolved withdrawal, not 409 WITHDRAWAL_NOT_PENDING (ADR 0060).
    return this.uow.runOnce(action, async (m, work) => {
      const locked = await this.transactions.lockById(id, m);
      if (!locked || locked.type !== 'WITHDRAWAL')
        throw AppError.notFound('WITHDRAWAL_NOT_FOUND', 'Withdrawal not found');
      if (locked.status !== 'PENDING')
        throw AppError.conflict('WITHDRAWAL_NOT_PENDING', `Withdrawal is already ${locked.status}`);
      work.afterCommit(...(await fn(locked, m)));
      const done = await this.transactions.findById(id, m);
      await this.audit.record(
        {
          actorId: actor.id,
          action,
          targetType: 'transaction',
          targetId: id,
          before: { status: 'PENDING' },
          after: { status: done?.status ?? null },
          requestId: actor.requestId ?? null,
          metadata: { ...detail, amount: locked.amount, userId: locked.userId },
        },
        m,
      );
      return toTransactionResponse(done ?? locked);
    });
  }

  /** The withdrawal row is locked and PENDING: post the hold to payouts in transit. */
  private async succeedLocked(
    txn: Transaction,
    m: EntityManager,
    extra: Record<string, unknown>,
  ): Promise<AfterCommit[]> {
    const r = await this.ledger.postHold({ holdId: holdIdOf(txn.id) }, m);
    if (r.status !== 'POSTED')
      throw new Error(`Withdrawal hold ${holdIdOf(txn.id)} could not be posted: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'succeeded', ...extra } },
      m,
    );
    await this.transactions.complete(
      txn.id,
      { ledgerEntryId: r.entryId ?? `${holdIdOf(txn.id)}:post` },
      m,
    );
    return [() => this.notifier.publish(txn.userId)];
  }

  /**
   * The withdrawal row is locked and COMPLETED, and the payout came back to the merchant balance: the
   * amount returns from payouts in transit to the wallet (a REFUND shows it), the withdrawal becomes
   * REVERSED. Exactly once: the status change and the entry id both refuse a second time.
   */
  private async reverseLocked(
    txn: Transaction,
    m: EntityManager,
    eventId: string,
  ): Promise<AfterCommit[]> {
    if (!(await this.transactions.markReversed(txn.id, m))) return [];
    const entryId = reversalEntryId(txn.id);
    const r = await this.ledger.post(
      {
        entryId,
        type: 'WITHDRAWAL_REVERSAL',
        reference: eventId,
        metadata: { transactionId: txn.id, provider: txn.provider },
        legs: [
          {
            account: PAYOUTS_IN_TRANSIT,
            direction: 'DEBIT',
            amount: txn.amount,
            currency: txn.currency,
          },
          {
            account: walletAccount(txn.userId),
            direction: 'CREDIT',
            amount: txn.amount,
            currency: txn.currency,
          },
        ],
      },
      m,
    );
    if (r.status === 'REJECTED')
      throw new Error(`reversal of ${txn.id} rejected: ${r.reason ?? ''}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'reversed', reversedBy: eventId } },
      m,
    );
    const refund = await this.transactions.createPending(
      {
        userId: txn.userId,
        type: 'REFUND',
        amount: txn.amount,
        reference: txn.id,
        description: 'Withdrawal reversed by the receiving bank/e-wallet; returned to wallet',
        metadata: { refundOf: txn.id, reason: 'payout reversed' },
      },
      m,
    );
    await this.transactions.complete(refund.id, { ledgerEntryId: entryId }, m);
    return [() => this.notifier.publish(txn.userId)];
  }

  /** The withdrawal row is locked and PENDING: void the hold; the money is back, shown as a REFUND. */
  private async failLocked(
    txn: Transaction,
    m: EntityManager,
    reason: string,
  ): Promise<AfterCommit[]> {
    const r = await this.ledger.voidHold({ holdId: holdIdOf(txn.id) }, m);
    if (r.status !== 'VOIDED' && r.status !== 'EXPIRED')
      throw new Error(`Withdrawal hold ${holdIdOf(txn.id)} could not be voided: ${r.status}`);
    await this.transactions.attachProvider(
      txn.id,
      { metadata: { payoutState: 'failed', failureReason: reason } },
      m,
    );
    await this.transactions.setStatus(txn.id, 'FAILED', m);
    const refund = await this.transactions.createPending(
      {
        userId: txn.userId,
        type: 'REFUND',
        amount: txn.amount,
        reference: txn.id,
        description: 'Withdrawal returned to wallet',
        metadata: { refundOf: txn.id, reason },
      },
      m,
    );
    // The void returns the held amount without a journal entry; the hold id names the movement.
    await this.transactions.complete(refund.id, { ledgerEntryId: holdIdOf(txn.id) }, m);
    return [() => this.notifier.publish(txn.userId)];
  }
}

/** Ledger entry of a reversal: one per withdrawal, so a repeated reversal can never credit twice. */
export const reversalEntryId = (txnId: string) => `withdrawal-reversal:${txnId}`;

/** The first attempt already got (or gave up on) the gateway's answer: never ask twice. */
const payoutRequested = (txn: Transaction) =>
  txn.status !== 'PENDING' || (txn.metadata.payoutState ?? 'requested') !== 'requested';

function payoutStateOf(txn: Transaction): PayoutState {
  const state = txn.metadata.payoutState;
  return state === 'pending' ||
    state === 'succeeded' ||
    state === 'failed' ||
    state === 'unknown' ||
    state === 'manual' ||
    state === 'review'
    ? state
    : 'pending';
}
