import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { providerUnavailable } from 'src/common/circuit-breaker/circuit-breaker';
import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import { AppError } from 'src/common/errors/app-error';
import { VerificationErrors } from '../verification/verification.errors';
import { WithdrawalErrors } from './withdrawals.errors';
import { PaymentErrors } from '../payments/payments.errors';
import { formatPesos } from 'src/common/money/money';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { payoutRailFor, PayoutRail } from '../payments/providers/gateway-capabilities';
import type { PaymentProvider } from '../payments/providers/payment-provider';
import { PAYMENT_PROVIDER } from '../payments/providers/payment-provider.token';
import type { PlatformSettings } from '../platform-settings/platform-settings.types';
import { PlatformSettingsService } from '../platform-settings/platform-settings.service';
import { PayoutAccount, PayoutAccountReader } from '../verification/payout-account.reader';
import { TransactionsRepository } from '../wallet/transactions.repository';
import type { ReviewReason } from './withdrawal.types';

const LOCK_NAMESPACE = 7311;

export interface Admission {
  provider: string;
  rail: PayoutRail;
  limits: PlatformSettings;
}

/** What a withdrawal must pass before money is held: gateway up, amounts, rails, daily limits, trust. */
@Injectable()
export class WithdrawalRules {
  constructor(
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly settings: PlatformSettingsService,
    private readonly accounts: PayoutAccountReader,
    private readonly transactions: TransactionsRepository,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /** Before anything is written: the payout gateway is available and can carry this amount. */
  async admit(amount: number): Promise<Admission> {
    const breaker = this.breakers.find(this.provider.name);
    if (breaker?.state === 'open')
      throw providerUnavailable(this.provider.name, breaker.retryAfterSeconds());
    const limits = await this.settings.current();
    if (amount < limits.withdrawalMinAmount)
      throw new AppError(PaymentErrors.AMOUNT_BELOW_MINIMUM, {
        message: `The smallest withdrawal is ${limits.withdrawalMinAmount} centavos`,
      });
    // InstaPay carries up to its cap; above it PESONet, if the account has it (capability table).
    const rail = payoutRailFor(this.provider.capabilities, amount);
    if (!rail) {
      const instapay = this.provider.capabilities.payoutRails.find((r) => r.rail === 'instapay');
      throw new AppError(WithdrawalErrors.PAYOUT_RAIL_UNAVAILABLE, {
        message: `Withdrawals above ${formatPesos(instapay?.maxAmount ?? 0)} need PESONet, which is not enabled on the ${this.provider.name} account`,
      });
    }
    return { provider: this.provider.name, rail: rail.rail, limits };
  }

  /**
   * Inside the withdrawal's transaction: serialises the user's withdrawals (so the daily limits are
   * exact), share-locks the payout account, checks the limits and says whether an admin must review.
   */
  async lockAndCheck(
    userId: string,
    input: { amount: number; paymentMethodId: string },
    limits: PlatformSettings,
    m: EntityManager,
  ): Promise<{ account: PayoutAccount; review: ReviewReason | null }> {
    await m.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_NAMESPACE, userId]);
    const account = await this.accounts.lockVerified(
      input.paymentMethodId,
      userId,
      this.cfg.business.payoutAccountCooldownHours,
      m,
    );
    if (!account)
      throw new AppError(VerificationErrors.PAYMENT_METHOD_NOT_FOUND, {
        message: 'No such verified payout account',
      });
    const today = await this.transactions.withdrawalsToday(userId, m);
    if (
      today.count + 1 > limits.withdrawalDailyMaxCount ||
      today.total + input.amount > limits.withdrawalDailyMaxAmount
    )
      throw new AppError(WithdrawalErrors.WITHDRAWAL_LIMIT_EXCEEDED, {
        message: `Daily limit: ${limits.withdrawalDailyMaxCount} withdrawals, ${limits.withdrawalDailyMaxAmount} centavos`,
      });
    // Someone who took over the login must not drain it to an account they just added.
    const review: ReviewReason | null = account.inCooldown
      ? 'new_payout_account'
      : account.type === 'BANK' &&
          !(await this.transactions.hasCompletedWithdrawalTo(account.id, m))
        ? 'first_bank_payout'
        : null;
    return { account, review };
  }
}
