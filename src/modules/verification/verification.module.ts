import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PaymentsModule } from '../payments/payments.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { UsersModule } from '../users/users.module';
import { WalletModule } from '../wallet/wallet.module';
import { PaymentMethodsController } from './payment-methods.controller';
import { PaymentMethodsRepository } from './payment-methods.repository';
import { PayoutAccountReader } from './payout-account.reader';
import { PaymentMethodAnnouncer } from './payment-method-announcer';
import { PaymentMethodsService } from './payment-methods.service';
import { VerificationPurge } from './verification-purge.service';
import { VerificationSettlement } from './verification-settlement.service';
import { VerificationService } from './verification.service';

/** Payout accounts and their GCash/Maya verification. Depends on payments (never the reverse). */
@Module({
  imports: [
    PaymentsModule,
    WalletModule,
    UsersModule,
    SchedulingModule,
    RealtimeModule,
    AuditModule,
  ],
  controllers: [PaymentMethodsController],
  providers: [
    PaymentMethodsRepository,
    PayoutAccountReader,
    PaymentMethodAnnouncer,
    PaymentMethodsService,
    VerificationService,
    VerificationSettlement,
    VerificationPurge,
  ],
  exports: [PayoutAccountReader],
})
export class VerificationModule {}
