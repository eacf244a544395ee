import { Logger } from '@nestjs/common';
import { DatabaseOutage } from 'src/common/database/database-outage';
import type { UnitOfWork } from 'src/common/database/unit-of-work';
import type { PaymentProviderRegistry } from '../providers/payment-provider.token';
import type { SettlementService } from '../settlement/settlement.service';
import type { SettlementEvent } from '../settlement/settlement.types';
import type { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookProcessingError, WebhookProcessor } from './webhook-processor.service';

/**
 * What a delivery storm during a database outage logs. The unit of work is the database boundary, so
 * it is the part replaced here: every transaction fails as PostgreSQL being away makes it fail.
 */
describe('WebhookProcessor logging', () => {
  let outage: DatabaseOutage;
  beforeEach(() => (outage = new DatabaseOutage()));
  afterEach(() => {
    outage.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  const finding = (i: number): SettlementEvent => ({
    provider: 'paymongo',
    eventId: `evt_${i}`,
    type: 'paid',
    checkoutId: `cs_${i}`,
    payoutId: null,
    paymentIntentId: null,
    paymentId: null,
    transactionHint: null,
    amount: 10_000,
    currency: 'PHP',
  });

  function processor(run: jest.Mock) {
    return new WebhookProcessor(
      { run } as unknown as UnitOfWork,
      {} as PaymentProviderRegistry,
      {} as WebhookEventsRepository,
      {} as SettlementService,
      outage,
    );
  }

  it('should log an outage once for a storm of failed deliveries (5xx each), and other failures per event', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refused = () =>
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const run = jest.fn().mockImplementation(() => Promise.reject(refused()));
    const p = processor(run);
    for (let i = 0; i < 20; i++)
      await expect(p.applyFinding(finding(i), 'storm')).rejects.toBeInstanceOf(
        WebhookProcessingError,
      );
    expect(run).toHaveBeenCalledTimes(40); // the apply and the ERROR flag, each refused
    expect(error).not.toHaveBeenCalled();
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      expect.stringMatching(/^PostgreSQL is unreachable \(ECONNREFUSED\)/),
    ]);

    outage.reachable();
    run.mockImplementation(() => Promise.reject(new Error('null value in column "amount"')));
    await expect(p.applyFinding(finding(99), 'bug')).rejects.toBeInstanceOf(WebhookProcessingError);
    expect(error.mock.calls.map(([m]) => String(m))).toEqual([
      'Applying paymongo evt_99 failed: null value in column "amount"',
      'Could not flag paymongo evt_99: null value in column "amount"',
    ]);
  });
});
