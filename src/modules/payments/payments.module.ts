import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RealtimeModule } from '../realtime/realtime.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { UsersModule } from '../users/users.module';
import { WalletModule } from '../wallet/wallet.module';
import { CheckoutService } from './checkouts/checkout.service';
import { CircuitBreakersController } from './circuit-breakers.controller';
import { DepositController } from './deposits/deposit.controller';
import { ReturnPageController } from './deposits/return-page.controller';
import { DepositService } from './deposits/deposit.service';
import {
  paymentProviderFactory,
  PaymentProviderRegistry,
} from './providers/payment-provider.token';
import { PaymongoProvider } from './providers/paymongo/paymongo.provider';
import { XenditProvider } from './providers/xendit/xendit.provider';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { GatewayRefundsService } from './refunds/gateway-refunds.service';
import { RefundReconciliationService } from './refunds/refund-reconciliation.service';
import { PaymentHandlerRegistry } from './settlement/payment-handler.registry';
import { SettlementService } from './settlement/settlement.service';
import { WebhookAdminController } from './webhooks/webhook-admin.controller';
import { WebhookAttemptLimiter } from './webhooks/webhook-attempt-limiter';
import { WebhookEventsRepository } from './webhooks/webhook-events.repository';
import { WebhookProcessor } from './webhooks/webhook-processor.service';
import { WebhookRejectionsController } from './webhooks/webhook-rejections.controller';
import { WebhookRejectionsRepository } from './webhooks/webhook-rejections.repository';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * Gateways behind one interface, deposits, signed webhooks and reconciliation. Other modules plug their
 * payment purposes in through PaymentHandlerRegistry and create checkouts through PAYMENT_PROVIDER.
 * Graph: payments → wallet → ledger; payments → realtime → auth.
 */
@Module({
  imports: [AuditModule, SchedulingModule, WalletModule, UsersModule, RealtimeModule],
  controllers: [
    CircuitBreakersController,
    DepositController,
    ReturnPageController,
    WebhooksController,
    WebhookAdminController,
    WebhookRejectionsController,
  ],
  providers: [
    PaymongoProvider,
    XenditProvider,
    PaymentProviderRegistry,
    paymentProviderFactory,
    PaymentHandlerRegistry,
    SettlementService,
    WebhookEventsRepository,
    WebhookProcessor,
    WebhookAttemptLimiter,
    CheckoutService,
    WebhookRejectionsRepository,
    DepositService,
    ReconciliationService,
    GatewayRefundsService,
    RefundReconciliationService,
  ],
  exports: [
    PaymentProviderRegistry,
    paymentProviderFactory,
    PaymentHandlerRegistry,
    DepositService,
    CheckoutService,
    GatewayRefundsService,
  ],
})
export class PaymentsModule {}
