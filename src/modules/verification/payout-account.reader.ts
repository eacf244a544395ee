import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PaymentMethodType } from './payment-method.dto';
import { PaymentMethodsRepository } from './payment-methods.repository';

/** What a payout needs to know about the destination account. */
export interface PayoutAccount {
  id: string;
  type: PaymentMethodType;
  accountName: string;
  accountNumber: string;
  bankCode: string | null;
  /** Added within the payout cooldown: a fresh account waits for an admin. */
  inCooldown: boolean;
}

/**
 * The one thing other modules may ask about payment methods (withdrawals → verification, never the
 * reverse): a verified payout account of the user, share-locked in the caller's transaction.
 */
@Injectable()
export class PayoutAccountReader {
  constructor(private readonly methods: PaymentMethodsRepository) {}

  async lockVerified(
    id: string,
    userId: string,
    cooldownHours: number,
    m: EntityManager,
  ): Promise<PayoutAccount | null> {
    const row = await this.methods.lockVerifiedForPayout(id, userId, cooldownHours, m);
    if (!row) return null;
    return {
      id: row.id,
      type: row.type,
      accountName: row.account_name,
      accountNumber: row.account_number,
      bankCode: row.bank_code,
      inCooldown: row.in_cooldown,
    };
  }
}
