import { Injectable } from '@nestjs/common';
import {
  DEFAULT_CONTROLS,
  DeliveryRecord,
  SandboxCheckout,
  SandboxControls,
  SandboxPayout,
  SandboxRefund,
} from './sandbox.types';

interface IdempotentReply {
  fingerprint: string;
  status: number;
  body: unknown;
}

/** The sandbox's whole state, in memory (it is a development and test tool; a restart forgets it). */
@Injectable()
export class SandboxStore {
  readonly checkouts = new Map<string, SandboxCheckout>();
  readonly payouts = new Map<string, SandboxPayout>();
  readonly refunds = new Map<string, SandboxRefund>();
  readonly idempotency = new Map<string, IdempotentReply>();
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
    this.checkouts.clear();
    this.payouts.clear();
    this.refunds.clear();
    this.idempotency.clear();
    this.deliveries.length = 0;
    this.controls = structuredClone(DEFAULT_CONTROLS);
  }
}
