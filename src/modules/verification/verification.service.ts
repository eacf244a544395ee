import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { AppError } from 'src/common/errors/app-error';
import { CommonErrors } from 'src/common/errors/common.errors';
import { VerificationErrors } from './verification.errors';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { bankByCode } from '../payments/providers/bank-directory';
import { CheckoutService } from '../payments/checkouts/checkout.service';
import { UsersService } from '../users/users.service';
import { TransactionsRepository } from '../wallet/transactions.repository';
import { maskAccount, normaliseBankAccount, normaliseMobileNumber } from './account-number';
import type { AddPaymentMethodDto, PaymentMethodResponse } from './payment-method.dto';
import { PaymentMethodAnnouncer } from './payment-method-announcer';
import { PaymentMethodsRepository, toPaymentMethodResponse } from './payment-methods.repository';
import { WALLET_VERIFICATION, WalletKind } from './wallet-verification';

/** Verification checkouts a user may start per rolling 24 h. */
export const MAX_VERIFICATION_ATTEMPTS_PER_DAY = 5;
const VERIFY_STEP = 'verification.create';

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
export class VerificationService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly checkouts: CheckoutService,
    private readonly methods: PaymentMethodsRepository,
    private readonly transactions: TransactionsRepository,
    private readonly users: UsersService,
    private readonly announcer: PaymentMethodAnnouncer,
  ) {}

  /**
   * GCash and Maya accounts are stored unverified until a checkout of VERIFICATION_AMOUNT is paid
   * through that wallet's own method; bank accounts are stored verified but get no automatic payout
   * until the cooldown has passed and an admin approved their first payout (WithdrawalsService).
   * Every addition is audit-logged and announced to the owner's sessions, so a takeover is visible.
   */
  async add(userId: string, dto: AddPaymentMethodDto, requestId?: string): Promise<AddResult> {
    const { number, bankCode } = this.normalise(dto);
    if (await this.methods.verifiedExists(userId, dto.type, number, bankCode))
      throw new AppError(VerificationErrors.PAYMENT_METHOD_EXISTS, {
        message: 'This account is already saved and verified',
      });
    const accountName = dto.accountName.trim();

    if (dto.type === 'BANK') {
      const row = await this.uow.run('payment-method.add', async (m) => {
        await this.methods.lockUser(userId, m);
        if (await this.methods.verifiedExists(userId, dto.type, number, bankCode, m))
          throw new AppError(VerificationErrors.PAYMENT_METHOD_EXISTS, {
            message: 'This account is already saved and verified',
          });
        const r = await this.methods.insert(
          { userId, type: dto.type, accountName, accountNumber: number, bankCode, verified: true },
          m,
        );
        await this.methods.setPrimaryIfNone(r.id, userId, m);
        await this.announcer.recordAdded(userId, r, requestId, m);
        return (await this.methods.find(r.id, m)) ?? r;
      });
      this.announcer.publishAdded(userId, row);
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
      refusal: 'configuration',
    });
    if (
      (await this.transactions.verificationAttemptsLastDay(userId)) >=
      MAX_VERIFICATION_ATTEMPTS_PER_DAY
    )
      throw new AppError(VerificationErrors.VERIFICATION_LIMIT_REACHED, {
        headers: { 'Retry-After': '3600' },
      });
    const user = await this.users.findById(userId);
    if (!user) throw new AppError(CommonErrors.UNAUTHORIZED);

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
      await this.announcer.recordAdded(userId, method, requestId, m);
      return { methodId: method.id, txnId: txn.id };
    });
    const [method, txn] = await Promise.all([
      this.methods.find(ids.methodId),
      this.transactions.findById(ids.txnId),
    ]);
    if (!method || !txn)
      throw new AppError(VerificationErrors.VERIFICATION_CLOSED, {
        message: 'This verification attempt was closed',
      });
    this.announcer.publishAdded(userId, method);
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

  private normalise(dto: AddPaymentMethodDto): { number: string; bankCode: string | null } {
    if (dto.type === 'BANK') {
      if (!dto.bankCode)
        throw new AppError(CommonErrors.VALIDATION_FAILED, {
          message: 'bankCode is required for BANK accounts',
        });
      // One directory backs every gateway, so a saved account keeps working after a switch.
      if (!bankByCode(dto.bankCode))
        throw new AppError(VerificationErrors.UNKNOWN_BANK_CODE, {
          message: 'Unknown bankCode; GET /api/payment-methods/banks lists the supported banks',
        });
      const n = normaliseBankAccount(dto.accountNumber);
      if (!n)
        throw new AppError(VerificationErrors.INVALID_ACCOUNT_NUMBER, {
          message: 'Bank account numbers have 8 to 20 digits',
        });
      return { number: n, bankCode: dto.bankCode };
    }
    if (dto.bankCode)
      throw new AppError(CommonErrors.VALIDATION_FAILED, {
        message: 'bankCode is only for BANK accounts',
      });
    const n = normaliseMobileNumber(dto.accountNumber);
    if (!n)
      throw new AppError(VerificationErrors.INVALID_ACCOUNT_NUMBER, {
        message: 'Mobile wallet numbers look like 09XXXXXXXXX',
      });
    return { number: n, bankCode: null };
  }
}
