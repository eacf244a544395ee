import { Injectable, OnModuleInit } from '@nestjs/common';
import { gatewayToWallet } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { PaymentHandlerRegistry } from '../payments/settlement/payment-handler.registry';
import {
  type AfterCommit,
  type HandlerContext,
  paidMetadata,
} from '../payments/settlement/settlement.types';
import { RealtimePublisher } from '../realtime/realtime.publisher';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import { PaymentMethodsRepository } from './payment-methods.repository';
import { WALLET_VERIFICATION } from './wallet-verification';

/**
 * Settlement of a verification checkout, reached through the payments handler registry with the
 * transaction row locked: paid → the method is verified and the amount goes back to the owner's wallet
 * as VERIFICATION_BONUS (DEBIT gateway clearing, CREDIT wallet), exactly once; closed → the
 * unverified method goes.
 */
@Injectable()
export class VerificationSettlement implements OnModuleInit {
  constructor(
    private readonly handlers: PaymentHandlerRegistry,
    private readonly methods: PaymentMethodsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly ledger: LedgerService,
    private readonly notifier: WalletNotifier,
    private readonly realtime: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    for (const { purpose } of Object.values(WALLET_VERIFICATION))
      this.handlers.registerCheckoutHandler(purpose, {
        onPaid: (ctx) => this.onPaid(ctx),
        onClosed: (ctx) => this.onClosed(ctx),
      });
  }

  async onPaid({ txn, event, manager }: HandlerContext): Promise<AfterCommit[]> {
    const entryId = `verification:${txn.id}`;
    await this.transactions.complete(
      txn.id,
      { ledgerEntryId: entryId, metadata: paidMetadata(event) },
      manager,
    );
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

  async onClosed({ txn, manager }: HandlerContext): Promise<AfterCommit[]> {
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
}
