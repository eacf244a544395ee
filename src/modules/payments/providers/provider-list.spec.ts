import { PATH_METADATA } from '@nestjs/common/constants';
import { EnvSchema } from 'src/config/env-schema';
import { WebhooksController } from '../webhooks/webhooks.controller';
import { PAYMENT_PROVIDER_NAMES } from './payment-provider';

/** The provider list is defined once (PAYMENT_PROVIDER_NAMES); everything else follows it. */
describe('the payment provider list', () => {
  it('should be the list the configuration accepts', () => {
    expect(EnvSchema.shape.PAYMENT_PROVIDER.removeDefault().unwrap().options).toEqual([
      ...PAYMENT_PROVIDER_NAMES,
    ]);
    expect(EnvSchema.shape.VERIFICATION_PROVIDER.unwrap().options).toEqual([
      ...PAYMENT_PROVIDER_NAMES,
    ]);
    expect(EnvSchema.safeParse({ PAYMENT_PROVIDER: 'stripe' }).success).toBe(false);
  });

  it('should have one webhook route per provider, named after it', () => {
    const proto = WebhooksController.prototype as unknown as Record<string, unknown>;
    const routes = Object.getOwnPropertyNames(proto)
      .filter((name) => name !== 'constructor')
      .map((name) => Reflect.getMetadata(PATH_METADATA, proto[name] as object) as unknown)
      .filter((path): path is string => typeof path === 'string')
      .sort();
    expect(routes).toEqual(PAYMENT_PROVIDER_NAMES.map((p) => `${p}-webhook`).sort());
  });
});
