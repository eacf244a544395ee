import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CircuitBreakerRegistry } from '../../../common/circuit-breaker/circuit-breaker.registry';
import { providerUnavailable } from '../../../common/circuit-breaker/circuit-breaker';
import { crashPoint } from '../../../common/crash/crash-points';
import { UnitOfWork } from '../../../common/database/unit-of-work';
import { AppError } from '../../../common/errors/app-error';
import type { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.token';
import { walletAccount } from '../../ledger/account-policy';
import { LedgerService } from '../../ledger/ledger.service';
import type { LedgerLeg, PostInput } from '../../ledger/ledger.types';
import type { EntityManager } from 'typeorm';
import { RealtimePublisher } from '../../realtime/realtime.publisher';
import { UsersService } from '../../users/users.service';
import {
  toTransactionResponse,
  Transaction,
  TransactionResponse,
} from '../../wallet/transaction.entity';
import { TransactionsService } from '../../wallet/transactions.service';
import { WalletService } from '../../wallet/wallet.service';
import { assertCheckoutAllowed } from '../providers/gateway-capabilities';
import type { PaymentProvider } from '../providers/payment-provider';
import { PAYMENT_PROVIDER } from '../providers/payment-provider.token';
import { ProviderError } from '../providers/provider-errors';
import { PaymentHandlerRegistry } from '../settlement/payment-handler.registry';
import type { AfterCommit, HandlerContext } from '../settlement/settlement.types';
import { checkoutReturnUrls } from './checkout-urls';

export interface DepositResponse {
  transaction: TransactionResponse;
  checkoutUrl: string;
  checkoutId: string;
  provider: string;
}

const CREATE_STEP = 'deposit.create';

/** A retried deposit whose checkout was already opened: the same answer as the first time. */
function openedCheckout(txn: Transaction): DepositResponse | null {
  const url = txn.metadata.checkoutUrl;
  if (!txn.providerReference || typeof url !== 'string' || !txn.provider) return null;
  return {
    transaction: toTransactionResponse(txn),
    checkoutUrl: url,
    checkoutId: txn.providerReference,
    provider: txn.provider,
  };
}

export const clearingAccount = (provider: string) => `gateway:${provider}:clearing`;

/** Money the gateway collected, moved to the user's wallet. */
export function gatewayToWallet(
  provider: string,
  userId: string,
  amount: number,
  currency: string,
): LedgerLeg[] {
  return [
    { account: clearingAccount(provider), direction: 'DEBIT', amount, currency },
    { account: walletAccount(userId), direction: 'CREDIT', amount, currency },
  ];
}

/** Posts or throws (rolling the caller's transaction back): a confirmed payment must always land. */
export async function postOrThrow(
  ledger: LedgerService,
  input: PostInput,
  manager: EntityManager,
): Promise<void> {
  const res = await ledger.post(input, manager);
  if (res.status === 'REJECTED')
    throw new Error(`ledger rejected ${input.entryId}: ${res.reason ?? ''}`);
}

/**
 * Wallet top-ups: a PENDING DEPOSIT and a gateway checkout now; the ledger moves only when the gateway
 * confirms payment (DEBIT gateway clearing, CREDIT the user's wallet), exactly once.
 */
@Injectable()
export class DepositService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly transactions: TransactionsService,
    private readonly ledger: LedgerService,
    private readonly wallet: WalletService,
    private readonly users: UsersService,
    private readonly realtime: RealtimePublisher,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.handlers.registerCheckoutHandler('wallet_deposit', { onPaid: (ctx) => this.onPaid(ctx) });
  }

  async create(userId: string, amount: number): Promise<DepositResponse> {
    const provider = this.provider;
    const methods = [...provider.capabilities.activatedMethods];
    // The gateway's documented limits, checked before anything is written or sent.
    assertCheckoutAllowed(provider.capabilities, methods, amount);
    // Fail fast without writing anything while the gateway's breaker is open.
    const breaker = this.breakers.find(provider.name);
    if (breaker?.state === 'open')
      throw providerUnavailable(provider.name, breaker.retryAfterSeconds());
    const user = await this.users.findById(userId);
    if (!user) throw AppError.unauthorized();

    // Recorded on the request's Idempotency-Key with the row: a retry after a crash continues this
    // deposit (same transaction id) instead of opening a second one (ADR 0060).
    const txnId = await this.uow.runOnce(CREATE_STEP, async (m) => {
      const created = await this.transactions.createPending(
        {
          userId,
          type: 'DEPOSIT',
          amount,
          provider: provider.name,
          description: 'Wallet deposit',
          metadata: { paymentType: 'wallet_deposit' },
        },
        m,
      );
      return created.id;
    });
    const txn = await this.transactions.findById(txnId);
    if (!txn) throw new Error(`transaction ${txnId} vanished`);
    const opened = openedCheckout(txn);
    if (opened) return opened;
    if (txn.status !== 'PENDING')
      throw AppError.conflict('TRANSACTION_NOT_PENDING', `Deposit is already ${txn.status}`);
    try {
      crashPoint('before-gateway-call');
      // The gateway key derives from our id, so asking again after a crash returns the same checkout.
      const session = await provider.createCheckout({
        amount,
        currency: 'PHP',
        description: 'iAyos wallet deposit',
        reference: txn.id,
        idempotencyKey: `checkout:${txn.id}`,
        customer: { name: user.name, email: user.email },
        methods,
        metadata: { payment_type: 'wallet_deposit', transaction_id: txn.id },
        ...checkoutReturnUrls(this.cfg, 'deposit', txn.id),
      });
      crashPoint('after-gateway-call');
      await this.transactions.attachProvider(txn.id, {
        providerReference: session.checkoutId,
        metadata: {
          checkoutUrl: session.checkoutUrl,
          ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
        },
      });
      const updated = await this.transactions.findById(txn.id);
      if (!updated) throw new Error(`transaction ${txn.id} vanished`);
      return {
        transaction: toTransactionResponse(updated),
        checkoutUrl: session.checkoutUrl,
        checkoutId: session.checkoutId,
        provider: provider.name,
      };
    } catch (err) {
      // Definitely not created at the gateway: close the record and free the key for a new attempt.
      // Ambiguous: leave it PENDING for reconciliation (it expires it after the checkout lifetime;
      // nothing was credited); a retry with the key asks the gateway again with the same gateway key.
      if (!(err instanceof ProviderError) || err.kind !== 'ambiguous')
        await this.uow.run('deposit.fail', async (m) => {
          await this.transactions.setStatus(txn.id, 'FAILED', m);
          await this.uow.forgetOnce(CREATE_STEP, m);
        });
      throw err;
    }
  }

  private async onPaid({ txn, event, manager }: HandlerContext): Promise<AfterCommit[]> {
    const entryId = `deposit:${txn.id}`;
    await this.transactions.complete(txn.id, { ledgerEntryId: entryId }, manager);
    // Last statement before commit: the clearing account is hot, so its lock is held as briefly as possible.
    await postOrThrow(
      this.ledger,
      {
        entryId,
        type: 'DEPOSIT',
        reference: event.eventId,
        metadata: {
          transactionId: txn.id,
          provider: event.provider,
          checkoutId: event.checkoutId,
          paymentId: event.paymentId,
        },
        legs: gatewayToWallet(event.provider, txn.userId, txn.amount, txn.currency),
      },
      manager,
    );
    return [() => this.publishWallet(txn.userId)];
  }

  async publishWallet(userId: string): Promise<void> {
    const w = await this.wallet.getWallet(userId);
    this.realtime.publish(userId, 'wallet.updated', {
      balance: w.balance,
      reserved: w.reserved,
      available: w.available,
      pendingEarnings: w.pendingEarnings,
    });
  }
}
