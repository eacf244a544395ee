import { Module } from '@nestjs/common';
import {
  paymentProviderFactory,
  PaymentProviderRegistry,
} from './providers/payment-provider.token';
import { PaymongoProvider } from './providers/paymongo.provider';
import { XenditProvider } from './providers/xendit.provider';

/** Gateways behind one interface; deposits, webhooks and reconciliation build on it. */
@Module({
  providers: [PaymongoProvider, XenditProvider, PaymentProviderRegistry, paymentProviderFactory],
  exports: [PaymentProviderRegistry, paymentProviderFactory],
})
export class PaymentsModule {}
