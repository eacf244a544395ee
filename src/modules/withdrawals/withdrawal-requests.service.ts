import { Injectable } from '@nestjs/common';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { LedgerErrors } from '../ledger/ledger.errors';
import { walletAccount } from '../ledger/account-policy';
import { LedgerService } from '../ledger/ledger.service';
import { toTransactionResponse } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { WalletNotifier } from '../wallet/wallet-notifier';
import {
  holdIdOf,
  PAYOUTS_IN_TRANSIT,
  PayoutDestination,
  payoutRequested,
  payoutStateOf,
  WithdrawResult,
} from './withdrawal.types';
import { PayoutRequester } from './payout-requester';
import { WithdrawalRules } from './withdrawal-rules';

const CREATE_STEP = 'withdrawal.create';

/**
 * A user's withdrawal (ADR 0046): the amount is held in the ledger at once (it leaves `available`, not
 * yet `balance`), a PENDING WITHDRAWAL is written, and after commit one payout is requested with the
 * transaction id as idempotency key. An unknown outcome (timeout) is never re-sent.
 */
@Injectable()
export class WithdrawalRequests {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly rules: WithdrawalRules,
    private readonly ledger: LedgerService,
    private readonly transactions: TransactionsRepository,
    private readonly payouts: PayoutRequester,
    private readonly notifier: WalletNotifier,
  ) {}

  async withdraw(
    userId: string,
    input: { amount: number; paymentMethodId: string },
  ): Promise<WithdrawResult> {
    const { provider, rail, limits } = await this.rules.admit(input.amount);
    // Recorded on the request's Idempotency-Key in the same transaction: a retry after a crash gets
    // this withdrawal back instead of making a second one (ADR 0060).
    const txnId = await this.uow.runOnce(CREATE_STEP, async (m) => {
      const { account, review } = await this.rules.lockAndCheck(userId, input, limits, m);
      const destination: PayoutDestination = {
        channel: account.type,
        accountNumber: account.accountNumber,
        accountName: account.accountName,
        bankCode: account.bankCode,
        rail,
      };
      const created = await this.transactions.createPending(
        {
          userId,
          type: 'WITHDRAWAL',
          amount: input.amount,
          provider,
          paymentMethodId: account.id,
          description: `Withdrawal to ${account.type} ••••${account.accountNumber.slice(-4)}`,
          metadata: review
            ? { destination, rail, payoutState: 'review', reviewReason: review }
            : { destination, rail, payoutState: 'requested' },
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
        throw new AppError(LedgerErrors.INSUFFICIENT_FUNDS, {
          message: 'Not enough available balance',
        });
      return created.id;
    });
    const txn = await this.transactions.findById(txnId);
    if (!txn) throw new Error(`withdrawal ${txnId} vanished`);
    // A held withdrawal (payoutState 'review') counts as requested: nothing is sent until an admin
    // releases it. The payout is asked for before anything else (the wallet notification reads the
    // database and must never stand between a committed hold and its payout). A retry whose first
    // attempt died before recording the gateway's answer asks again with the same gateway key.
    const payout = payoutRequested(txn) ? payoutStateOf(txn) : await this.payouts.request(txn);
    await this.uow.afterCommitted(CREATE_STEP, [() => this.notifier.publish(userId)]);
    const current = (await this.transactions.findById(txn.id)) ?? txn;
    return { transaction: toTransactionResponse(current), payout };
  }
}
