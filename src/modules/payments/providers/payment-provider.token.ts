import { Injectable } from '@nestjs/common';
import { AppError } from 'src/common/errors/app-error';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { isPaymentProviderName } from './payment-provider';
import type { PaymentProvider, PaymentProviderName } from './payment-provider';
import { PaymongoProvider } from './paymongo/paymongo.provider';
import { XenditProvider } from './xendit/xendit.provider';
import { PaymentErrors } from '../payments.errors';

/** The gateway new checkouts and payouts go to, chosen by `PAYMENT_PROVIDER`. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');

/**
 * Every adapter by name. Webhooks and status polls use the provider recorded on the transaction, so
 * switching `PAYMENT_PROVIDER` (a rollback) never strands payments made under the other gateway.
 */
@Injectable()
export class PaymentProviderRegistry {
  constructor(
    private readonly paymongo: PaymongoProvider,
    private readonly xendit: XenditProvider,
  ) {}

  get(name: PaymentProviderName): PaymentProvider {
    return selectProvider(name, { paymongo: this.paymongo, xendit: this.xendit });
  }

  /** For names read from storage or a URL. */
  byName(name: string): PaymentProvider {
    if (isPaymentProviderName(name)) return this.get(name);
    throw new AppError(PaymentErrors.UNKNOWN_PROVIDER);
  }
}

/** Exhaustive: adding a name to PaymentProviderName fails to compile until it is handled here. */
export function selectProvider(
  name: PaymentProviderName,
  adapters: { paymongo: PaymentProvider; xendit: PaymentProvider },
): PaymentProvider {
  switch (name) {
    case 'paymongo':
      return adapters.paymongo;
    case 'xendit':
      return adapters.xendit;
    default: {
      const unhandled: never = name;
      throw new Error(`Unhandled payment provider: ${String(unhandled)}`);
    }
  }
}

export const paymentProviderFactory = {
  provide: PAYMENT_PROVIDER,
  inject: [APP_CONFIG, PaymentProviderRegistry],
  useFactory: (cfg: AppConfig, registry: PaymentProviderRegistry): PaymentProvider =>
    registry.get(cfg.payments.provider),
};
