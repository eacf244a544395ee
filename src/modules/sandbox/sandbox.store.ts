import { Injectable } from '@nestjs/common';
import { DEFAULT_CONTROLS, DeliveryRecord, SandboxControls } from './sandbox.types';

/**
 * The sandbox's per-process test settings: the control knobs and the delivery log. They stay in
 * memory on purpose (ADR 0095): a test turns a knob on the instance it talks to, and a restart puts
 * them back to their defaults. The gateway's records (checkouts, payouts, refunds, idempotency
 * replies) are in the database, see `SandboxRecords`.
 */
@Injectable()
export class SandboxStore {
  readonly deliveries: DeliveryRecord[] = [];
  controls: SandboxControls = structuredClone(DEFAULT_CONTROLS);
  private nextDeliveryId = 1;

  newDelivery(init: Omit<DeliveryRecord, 'id' | 'attempts'>): DeliveryRecord {
    const rec: DeliveryRecord = { ...init, id: this.nextDeliveryId++, attempts: [] };
    this.deliveries.push(rec);
    // Bounded, so a long benchmark cannot grow it without limit.
    if (this.deliveries.length > 5_000) this.deliveries.splice(0, this.deliveries.length - 5_000);
    return rec;
  }

  /** Decrements a counter knob and says whether it was set. */
  take(
    knob:
      | 'failNextCalls'
      | 'corruptNextSignatures'
      | 'dropNextWebhooks'
      | 'stripMetadataNext'
      | 'failNextPayouts'
      | 'failNextRefunds',
  ): boolean {
    if (this.controls[knob] <= 0) return false;
    this.controls[knob] -= 1;
    return true;
  }

  reset(): void {
    this.deliveries.length = 0;
    this.controls = structuredClone(DEFAULT_CONTROLS);
  }
}
