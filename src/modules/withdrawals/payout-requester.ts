import { Inject, Injectable, Logger } from '@nestjs/common';
import { crashPoint } from 'src/common/crash/crash-points';
import type { PaymentProvider, PayoutResult } from '../payments/providers/payment-provider';
import { PAYMENT_PROVIDER } from '../payments/providers/payment-provider.token';
import { ProviderError } from '../payments/providers/provider-errors';
import type { Transaction } from '../wallet/transaction.model';
import { TransactionsRepository } from '../wallet/transactions.repository';
import type { PayoutDestination, PayoutState } from './withdrawal.types';
import { WithdrawalSettlement } from './withdrawal-settlement.service';

/** Sends a withdrawal's one payout request to the gateway and records what came back. */
@Injectable()
export class PayoutRequester {
  private readonly logger = new Logger('Withdrawals');

  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly transactions: TransactionsRepository,
    private readonly settlement: WithdrawalSettlement,
  ) {}

  /** One request to the gateway, never repeated; its answer (or silence) decides the next step. */
  async request(txn: Transaction): Promise<PayoutState> {
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
      await this.settlement.resolve(txn.id, (t, m) =>
        this.settlement.failLocked(t, m, 'payout not accepted'),
      );
      return 'failed';
    }
    crashPoint('after-gateway-call');
    // Recording the answer. A database error here fails the request but never returns money for a
    // payout that went out: the key keeps the committed hold, and the retry asks the gateway again
    // with the same gateway key (same payout) and records it.
    if (result.status === 'manual') {
      // Nothing was sent and there is no gateway id, so the poll never picks it up; the hold stays
      // until an admin approves or rejects. Written under the lock, only while still PENDING.
      await this.settlement.resolve(txn.id, async (t, m) => {
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
      await this.settlement.resolve(txn.id, (t, m) => this.settlement.succeedLocked(t, m, {}));
    if (result.status === 'failed' || result.status === 'reversed')
      await this.settlement.resolve(txn.id, (t, m) =>
        this.settlement.failLocked(t, m, 'payout failed'),
      );
    return result.status === 'reversed' ? 'failed' : result.status;
  }
}
