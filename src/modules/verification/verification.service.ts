import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../../common/database/unit-of-work';
import { AppError } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.token';
import { AuditLogService } from '../audit/audit-log.service';
import { gatewayToWallet } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { bankByCode } from '../payments/providers/bank-directory';
import { CheckoutService } from '../payments/checkouts/checkout.service';
import { PaymentProviderRegistry } from '../payments/providers/payment-provider.token';
import { ProviderError } from '../payments/providers/provider-errors';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import type { AfterCommit, HandlerContext } from '../payments/settlement/settlement.types';
import { RealtimePublisher } from '../realtime/realtime.publisher';
import { ScheduledJobsService } from '../scheduling/scheduled-jobs.service';
import { UsersService } from '../users/users.service';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { maskAccount, normaliseBankAccount, normaliseMobileNumber } from './account-number';
import type { AddPaymentMethodDto, PaymentMethodResponse } from './payment-method.dto';
import {
  PaymentMethodRow,
  PaymentMethodsRepository,
  toPaymentMethodResponse,
} from './payment-methods.repository';

/** Verification checkouts a user may start per rolling 24 h. */
export const MAX_VERIFICATION_ATTEMPTS_PER_DAY = 5;
export const UNVERIFIED_TTL_SECONDS = 24 * 3600;
export const PURGE_JOB = 'verification-purge-unverified';
const VERIFY_STEP = 'verification.create';

/** How each mobile wallet proves ownership: a checkout paid through that wallet's own method. */
const WALLET_VERIFICATION = {
  GCASH: { type: 'GCASH', label: 'GCash', method: 'gcash', purpose: 'gcash_verification' },
  MAYA: { type: 'MAYA', label: 'Maya', method: 'paymaya', purpose: 'maya_verification' },
} as const;
type WalletKind = (typeof WALLET_VERIFICATION)[keyof typeof WALLET_VERIFICATION];

export type AddResult =
  | { paymentMethod: PaymentMethodResponse; verification: { required: false } }
  | {
      paymentMethod: PaymentMethodResponse;
      verification: { required: true; amount: number; checkoutUrl: string; checkoutId: string };
    };

/**
 * Payout accounts and the GCash/Maya ownership check: a checkout of VERIFICATION_AMOUNT centavos paid
 * from that wallet; once paid the method is verified and the amount goes back to the owner's wallet as
 * VERIFICATION_BONUS (DEBIT gateway clearing, CREDIT wallet: the money the gateway collected), exactly once.
 */
@Injectable()
export class VerificationService implements OnModuleInit {
  private readonly log = new Logger('Verification');

  constructor(
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly checkouts: CheckoutService,
    private readonly providers: PaymentProviderRegistry,
    private readonly methods: PaymentMethodsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly ledger: LedgerService,
    private readonly users: UsersService,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly jobs: ScheduledJobsService,
    private readonly realtime: RealtimePublisher,
    private readonly notifier: WalletNotifier,
    private readonly audit: AuditLogService,
  ) {}

  onModuleInit(): void {
    for (const { purpose } of Object.values(WALLET_VERIFICATION))
      this.handlers.registerCheckoutHandler(purpose, {
        onPaid: (ctx) => this.onPaid(ctx),
        onClosed: (ctx) => this.onClosed(ctx),
      });
    this.jobs.register({
      name: PURGE_JOB,
      schedule: '17 * * * *',
      description: 'Remove unverified payment methods older than 24 h and expire their checkouts',
      handler: () => this.purgeUnverified(),
    });
  }

  async list(userId: string): Promise<PaymentMethodResponse[]> {
    return (await this.methods.listVerified(userId)).map(toPaymentMethodResponse);
  }

  /**
   * GCash and Maya accounts are stored unverified until a checkout of VERIFICATION_AMOUNT is paid
   * through that wallet's own method; bank accounts are stored verified but get no automatic payout
   * until the cooldown has passed and an admin approved their first payout (WithdrawalsService).
   * Every addition is audit-logged and announced to the owner's sessions, so a takeover is visible.
   */
  async add(userId: string, dto: AddPaymentMethodDto, requestId?: string): Promise<AddResult> {
    const { number, bankCode } = this.normalise(dto);
    if (await this.methods.verifiedExists(userId, dto.type, number, bankCode))
      throw AppError.conflict(
        'PAYMENT_METHOD_EXISTS',
        'This account is already saved and verified',
      );
    const accountName = dto.accountName.trim();

    if (dto.type === 'BANK') {
      const row = await this.uow.run('payment-method.add', async (m) => {
        await this.methods.lockUser(userId, m);
        if (await this.methods.verifiedExists(userId, dto.type, number, bankCode, m))
          throw AppError.conflict(
            'PAYMENT_METHOD_EXISTS',
            'This account is already saved and verified',
          );
        const r = await this.methods.insert(
          { userId, type: dto.type, accountName, accountNumber: number, bankCode, verified: true },
          m,
        );
        await this.methods.setPrimaryIfNone(r.id, userId, m);
        await this.recordAdded(userId, r, requestId, m);
        return (await this.methods.find(r.id, m)) ?? r;
      });
      this.publishAdded(userId, row);
      return { paymentMethod: toPaymentMethodResponse(row), verification: { required: false } };
    }
    return this.addMobileWallet(
      userId,
      WALLET_VERIFICATION[dto.type],
      accountName,
      number,
      requestId,
    );
  }

  private async recordAdded(
    userId: string,
    row: PaymentMethodRow,
    requestId: string | undefined,
    m: EntityManager,
  ): Promise<void> {
    await this.audit.record(
      {
        actorId: userId,
        action: 'payment-method.add',
        targetType: 'payment_method',
        targetId: row.id,
        after: {
          type: row.type,
          accountNumber: maskAccount(row.account_number),
          bankCode: row.bank_code,
          isVerified: row.is_verified,
        },
        requestId: requestId ?? null,
        metadata: { userId },
      },
      m,
    );
  }

  private publishAdded(userId: string, row: PaymentMethodRow): void {
    this.realtime.publish(userId, 'payment-method.added', {
      id: row.id,
      type: row.type,
      accountNumber: maskAccount(row.account_number),
      isVerified: row.is_verified,
    });
  }

  private async addMobileWallet(
    userId: string,
    kind: WalletKind,
    accountName: string,
    number: string,
    requestId: string | undefined,
  ): Promise<AddResult> {
    const amount = this.cfg.business.verificationAmount;
    // Refused before anything is written or sent when the verification gateway would refuse it; its
    // availability (failover included) decides where the checkout goes.
    const gateway = this.checkouts.gatewayFor(amount, [kind.method], {
      primary: this.cfg.business.verificationProvider,
      refusalStatus: 422,
    });
    if (
      (await this.transactions.verificationAttemptsLastDay(userId)) >=
      MAX_VERIFICATION_ATTEMPTS_PER_DAY
    )
      throw new AppError(
        429,
        'VERIFICATION_LIMIT_REACHED',
        'Too many verification attempts today; try again tomorrow',
        undefined,
        {
          'Retry-After': '3600',
        },
      );
    const user = await this.users.findById(userId);
    if (!user) throw AppError.unauthorized();

    // Recorded on the request's Idempotency-Key with the rows: a retry after a crash continues this
    // verification (same method, same transaction) instead of starting a second one (ADR 0060).
    const ids = await this.uow.runOnce(VERIFY_STEP, async (m) => {
      const method = await this.methods.insert(
        {
          userId,
          type: kind.type,
          accountName,
          accountNumber: number,
          bankCode: null,
          verified: false,
        },
        m,
      );
      const txn = await this.transactions.createPending(
        {
          userId,
          type: 'VERIFICATION_BONUS',
          amount,
          provider: gateway,
          description: `${kind.label} verification - account ${maskAccount(number)}`,
          paymentMethodId: method.id,
          metadata: { paymentType: kind.purpose },
        },
        m,
      );
      await this.methods.setVerificationTransaction(method.id, txn.id, m);
      await this.recordAdded(userId, method, requestId, m);
      return { methodId: method.id, txnId: txn.id };
    });
    const [method, txn] = await Promise.all([
      this.methods.find(ids.methodId),
      this.transactions.findById(ids.txnId),
    ]);
    if (!method || !txn)
      throw AppError.conflict('VERIFICATION_CLOSED', 'This verification attempt was closed');
    this.publishAdded(userId, method);
    const checkoutUrl = txn.metadata.checkoutUrl;
    if (txn.providerReference && typeof checkoutUrl === 'string')
      return {
        paymentMethod: toPaymentMethodResponse(method),
        verification: { required: true, amount, checkoutUrl, checkoutId: txn.providerReference },
      };

    const checkout = await this.checkouts.open(txn, {
      purpose: kind.purpose,
      // Paid through that wallet's own method, so only its holder can complete it.
      methods: [kind.method],
      primary: this.cfg.business.verificationProvider,
      description: `${kind.label} account verification ${maskAccount(number)}`,
      // The payer is the account holder; the gateway prefills the wallet with these.
      customer: { name: accountName, email: user.email },
      metadata: { payment_method_id: method.id },
      returnTo: { kind: 'verification', id: method.id },
      // Surely not created: the unverified account goes with its closed transaction.
      onFailed: async (m) => {
        await this.methods.deleteUnverified(method.id, m);
        await this.uow.forgetOnce(VERIFY_STEP, m);
      },
    });
    return {
      paymentMethod: toPaymentMethodResponse(method),
      verification: {
        required: true,
        amount,
        checkoutUrl: checkout.checkoutUrl,
        checkoutId: checkout.checkoutId,
      },
    };
  }

  async remove(userId: string, id: string): Promise<void> {
    await this.uow.run('payment-method.remove', async (m) => {
      const mine = await this.methods.lockUser(userId, m);
      const target = mine.find((r) => r.id === id);
      if (!target) throw AppError.notFound('PAYMENT_METHOD_NOT_FOUND', 'Payment method not found');
      if (await this.transactions.hasPendingWithdrawalTo(id, m))
        throw AppError.conflict(
          'PAYMENT_METHOD_IN_USE',
          'A withdrawal to this account is still pending',
        );
      if (target.verification_transaction_id) {
        const t = await this.transactions.lockById(target.verification_transaction_id, m);
        if (t?.status === 'PENDING') await this.transactions.setStatus(t.id, 'CANCELLED', m);
      }
      await this.methods.delete(id, m);
      if (target.is_primary) await this.methods.promoteNewest(userId, m);
    });
  }

  async makePrimary(userId: string, id: string): Promise<PaymentMethodResponse> {
    return this.uow.run('payment-method.primary', async (m) => {
      const mine = await this.methods.lockUser(userId, m);
      const target = mine.find((r) => r.id === id);
      if (!target) throw AppError.notFound('PAYMENT_METHOD_NOT_FOUND', 'Payment method not found');
      if (!target.is_verified)
        throw AppError.conflict(
          'PAYMENT_METHOD_NOT_VERIFIED',
          'Only verified payment methods can be primary',
        );
      return toPaymentMethodResponse(await this.methods.setPrimary(id, userId, m));
    });
  }

  private normalise(dto: AddPaymentMethodDto): { number: string; bankCode: string | null } {
    if (dto.type === 'BANK') {
      if (!dto.bankCode)
        throw AppError.badRequest('VALIDATION_FAILED', 'bankCode is required for BANK accounts');
      // One directory backs every gateway, so a saved account keeps working after a switch.
      if (!bankByCode(dto.bankCode))
        throw AppError.badRequest(
          'UNKNOWN_BANK_CODE',
          'Unknown bankCode; GET /api/payment-methods/banks lists the supported banks',
        );
      const n = normaliseBankAccount(dto.accountNumber);
      if (!n)
        throw AppError.badRequest(
          'INVALID_ACCOUNT_NUMBER',
          'Bank account numbers have 8 to 20 digits',
        );
      return { number: n, bankCode: dto.bankCode };
    }
    if (dto.bankCode)
      throw AppError.badRequest('VALIDATION_FAILED', 'bankCode is only for BANK accounts');
    const n = normaliseMobileNumber(dto.accountNumber);
    if (!n)
      throw AppError.badRequest(
        'INVALID_ACCOUNT_NUMBER',
        'Mobile wallet numbers look like 09XXXXXXXXX',
      );
    return { number: n, bankCode: null };
  }

  // ---- settlement of the verification checkout --------------------------------------------

  private async onPaid({ txn, event, manager }: HandlerContext): Promise<AfterCommit[]> {
    const entryId = `verification:${txn.id}`;
    await this.transactions.complete(txn.id, { ledgerEntryId: entryId }, manager);
    const after: AfterCommit[] = [() => this.notifier.publish(txn.userId)];
    const methodId = txn.paymentMethodId;
    const method = methodId ? await this.methods.find(methodId, manager) : null;
    if (method && methodId) {
      if (
        await this.methods.verifiedExists(
          method.user_id,
          method.type,
          method.account_number,
          method.bank_code,
          manager,
        )
      ) {
        // Verified twice (two attempts both paid): keep the first, drop this copy.
        await this.methods.deleteUnverified(methodId, manager);
      } else {
        await this.methods.markVerified(methodId, txn.userId, manager);
        after.push(() =>
          this.realtime.publish(txn.userId, 'payment-method.updated', {
            id: methodId,
            isVerified: true,
          }),
        );
      }
    }
    // A purged method still gets its money back. Ledger last: the clearing account's lock is held briefly.
    await this.ledger.postOrThrow(
      {
        entryId,
        type: 'VERIFICATION_BONUS',
        reference: event.eventId,
        metadata: {
          transactionId: txn.id,
          paymentMethodId: txn.paymentMethodId,
          checkoutId: event.checkoutId,
        },
        legs: gatewayToWallet(event.provider, txn.userId, txn.amount, txn.currency),
      },
      manager,
    );
    return after;
  }

  private async onClosed({ txn, manager }: HandlerContext): Promise<AfterCommit[]> {
    const methodId = txn.paymentMethodId;
    if (!methodId || !(await this.methods.deleteUnverified(methodId, manager))) return [];
    return [
      () =>
        this.realtime.publish(txn.userId, 'payment-method.updated', {
          id: methodId,
          isVerified: false,
        }),
    ];
  }

  /** Hourly: unverified methods older than 24 h are removed and their checkouts expired. */
  async purgeUnverified(): Promise<Record<string, number>> {
    const counts = { purged: 0, skipped: 0 };
    const stale = await this.methods.staleUnverified(UNVERIFIED_TTL_SECONDS, 500);
    for (const row of stale) {
      const txn = row.verification_transaction_id
        ? await this.transactions.findById(row.verification_transaction_id)
        : null;
      if (txn?.status === 'PENDING' && txn.providerReference && txn.provider) {
        try {
          await this.providers.byName(txn.provider).expireCheckout(txn.providerReference);
        } catch (err) {
          // Already paid/expired at the gateway, or the gateway is down: the webhook/reconciliation path
          // settles it; never delete a method whose payment may have gone through.
          if (!(err instanceof ProviderError) || err.kind !== 'rejected') {
            counts.skipped++;
            continue;
          }
          const st = await this.providers
            .byName(txn.provider)
            .getCheckoutStatus(txn.providerReference)
            .catch(() => null);
          if (!st || st.status === 'paid') {
            counts.skipped++;
            continue;
          }
        }
      }
      const removed = await this.uow.run('verification.purge', async (m) => {
        if (txn) {
          const locked = await this.transactions.lockById(txn.id, m);
          if (locked?.status === 'COMPLETED') return false;
          if (locked?.status === 'PENDING')
            await this.transactions.setStatus(locked.id, 'EXPIRED', m);
        }
        return this.methods.deleteUnverified(row.id, m);
      });
      if (removed) {
        counts.purged++;
        this.realtime.publish(row.user_id, 'payment-method.updated', {
          id: row.id,
          isVerified: false,
        });
      } else counts.skipped++;
    }
    if (counts.purged > 0) this.log.log(`purged ${counts.purged} unverified payment methods`);
    return counts;
  }
}
