import { Injectable } from '@nestjs/common';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { VerificationErrors } from './verification.errors';
import { TransactionsRepository } from '../wallet/transactions.repository';
import type { PaymentMethodResponse } from './payment-method.dto';
import { PaymentMethodsRepository, toPaymentMethodResponse } from './payment-methods.repository';

/** A user's saved payout accounts: list, remove, choose the primary one. Adding is VerificationService. */
@Injectable()
export class PaymentMethodsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly methods: PaymentMethodsRepository,
    private readonly transactions: TransactionsRepository,
  ) {}

  async list(userId: string): Promise<PaymentMethodResponse[]> {
    return (await this.methods.listVerified(userId)).map(toPaymentMethodResponse);
  }

  async remove(userId: string, id: string): Promise<void> {
    await this.uow.run('payment-method.remove', async (m) => {
      const mine = await this.methods.lockUser(userId, m);
      const target = mine.find((r) => r.id === id);
      if (!target)
        throw new AppError(VerificationErrors.PAYMENT_METHOD_NOT_FOUND, {
          message: 'Payment method not found',
        });
      if (await this.transactions.hasPendingWithdrawalTo(id, m))
        throw new AppError(VerificationErrors.PAYMENT_METHOD_IN_USE, {
          message: 'A withdrawal to this account is still pending',
        });
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
      if (!target)
        throw new AppError(VerificationErrors.PAYMENT_METHOD_NOT_FOUND, {
          message: 'Payment method not found',
        });
      if (!target.is_verified)
        throw new AppError(VerificationErrors.PAYMENT_METHOD_NOT_VERIFIED, {
          message: 'Only verified payment methods can be primary',
        });
      return toPaymentMethodResponse(await this.methods.setPrimary(id, userId, m));
    });
  }
}
