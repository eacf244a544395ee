import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { CircuitBreakersController } from './circuit-breakers.controller';
import {
  paymentProviderFactory,
  PaymentProviderRegistry,
} from './providers/payment-provider.token';
import { PaymongoProvider } from './providers/paymongo.provider';
import { XenditProvider } from './providers/xendit.provider';

/** Gateways behind one interface; deposits, webhooks and reconciliation build on it. */
@Module({
  imports: [AuditModule],
  controllers: [CircuitBreakersController],
  providers: [PaymongoProvider, XenditProvider, PaymentProviderRegistry, paymentProviderFactory],
  exports: [PaymentProviderRegistry, paymentProviderFactory],
})
export class PaymentsModule {}
