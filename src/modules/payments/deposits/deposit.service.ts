import { Injectable, OnModuleInit } from '@nestjs/common';
import { CheckoutService } from '../checkouts/checkout.service';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { gatewayToWallet } from 'src/modules/ledger/account-policy';
import { LedgerService } from 'src/modules/ledger/ledger.service';
import { UsersService } from 'src/modules/users/users.service';
import {
  toTransactionResponse,
  Transaction,
  TransactionResponse,
} from 'src/modules/wallet/transaction.model';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { WalletNotifier } from 'src/modules/wallet/wallet-notifier';
import { PaymentHandlerRegistry } from '../settlement/payment-handler.registry';
import {
  type AfterCommit,
  type HandlerContext,
  paidMetadata,
} from '../settlement/settlement.types';
import { CommonErrors } from 'src/common/errors/common.errors';
import { WalletErrors } from 'src/modules/wallet/wallet.errors';

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

/**
 * Wallet top-ups: a PENDING DEPOSIT and a gateway checkout now; the ledger moves only when the gateway
 * confirms payment (DEBIT gateway clearing, CREDIT the user's wallet), exactly once.
 */
@Injectable()
export class DepositService implements OnModuleInit {
  constructor(
    private readonly checkouts: CheckoutService,
    private readonly transactions: TransactionsRepository,
    private readonly ledger: LedgerService,
    private readonly notifier: WalletNotifier,
    private readonly users: UsersService,
    private readonly handlers: PaymentHandlerRegistry,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.handlers.registerCheckoutHandler('wallet_deposit', { onPaid: (ctx) => this.onPaid(ctx) });
  }

  async create(userId: string, amount: number): Promise<DepositResponse> {
    // The gateway's documented limits and its availability (failover included), checked before
    // anything is written or sent.
    const gateway = this.checkouts.gatewayFor(amount, 'activated');
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(CommonErrors.UNAUTHORIZED);

    // Recorded on the request's Idempotency-Key with the row: a retry after a crash continues this
    // deposit (same transaction id, same gateway) instead of opening a second one (ADR 0060).
    const txnId = await this.uow.runOnce(CREATE_STEP, async (m) => {
      const created = await this.transactions.createPending(
        {
          userId,
          type: 'DEPOSIT',
          amount,
          provider: gateway,
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
      throw new AppError(WalletErrors.TRANSACTION_NOT_PENDING, {
        message: `Deposit is already ${txn.status}`,
      });
    // Surely not created: the record is closed and the key freed for a new attempt. Ambiguous: left
    // PENDING; a retry with the key asks the same gateway again with the same gateway key.
    const checkout = await this.checkouts.open(txn, {
      purpose: 'wallet_deposit',
      methods: 'activated',
      description: 'iAyos wallet deposit',
      customer: { name: user.name, email: user.email },
      returnTo: { kind: 'deposit', id: txn.id },
      onFailed: (m) => this.uow.forgetOnce(CREATE_STEP, m),
    });
    const updated = await this.transactions.findById(txn.id);
    if (!updated) throw new Error(`transaction ${txn.id} vanished`);
    return {
      transaction: toTransactionResponse(updated),
      checkoutUrl: checkout.checkoutUrl,
      checkoutId: checkout.checkoutId,
      provider: checkout.provider,
    };
  }

  private async onPaid({ txn, event, manager }: HandlerContext): Promise<AfterCommit[]> {
    const entryId = `deposit:${txn.id}`;
    await this.transactions.complete(
      txn.id,
      { ledgerEntryId: entryId, metadata: paidMetadata(event) },
      manager,
    );
    // Last statement before commit: the clearing account is hot, so its lock is held as briefly as possible.
    await this.ledger.postOrThrow(
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
    return [this.notifier.publishLater(txn.userId)];
  }
}
