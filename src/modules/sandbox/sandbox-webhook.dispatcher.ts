import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { signPaymongoWebhook } from '../payments/providers/webhook-signatures';
import { SandboxStore } from './sandbox.store';
import type { DeliveryRecord, SandboxProvider } from './sandbox.types';

const sleep = (ms: number) =>
  new Promise<void>((r) => {
    if (ms <= 0) return r();
    setTimeout(r, ms).unref();
  });

/** Our routing hints: the metadata we set and the reference we passed. */
const ROUTING_KEYS = new Set(['metadata', 'reference_number', 'external_id']);

function stripMetadata(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripMetadata);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (!ROUTING_KEYS.has(k)) out[k] = stripMetadata(val);
  return out;
}

/**
 * Delivers webhooks the way the gateways do: PayMongo signs `${t}.${body}` into `Paymongo-Signature`,
 * Xendit sends its static `x-callback-token`; any non-2xx (or no answer) is retried with exponential
 * backoff. The test knobs (duplicates, drops, holds, corrupt signatures, delays) are applied here.
 */
@Injectable()
export class SandboxWebhookDispatcher implements OnApplicationShutdown {
  private readonly log = new Logger('SandboxWebhooks');
  private held: Array<() => Promise<DeliveryRecord[]>> = [];
  private closed = false;

  constructor(
    private readonly store: SandboxStore,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  webhookUrl(provider: SandboxProvider): string {
    return `${this.cfg.app.publicBaseUrl}/api/accounts/wallet/${provider}-webhook`;
  }

  /** Resolves when every copy was delivered or given up on (or at once when held/dropped). */
  async send(
    provider: SandboxProvider,
    eventId: string,
    eventType: string,
    event: Record<string, unknown>,
  ): Promise<DeliveryRecord[]> {
    const controls = this.store.controls;
    if (this.store.take('dropNextWebhooks'))
      return [this.store.newDelivery({ provider, eventId, eventType, copy: 1, state: 'dropped' })];
    const body = this.store.take('stripMetadataNext') ? stripMetadata(event) : event;
    // One serialisation: every copy and attempt sends exactly these bytes.
    const bytes = JSON.stringify(body);
    const corrupt = this.store.take('corruptNextSignatures');
    const copies = Math.max(1, controls.duplicates);
    const records = Array.from({ length: copies }, (_, i) =>
      this.store.newDelivery({
        provider,
        eventId,
        eventType,
        copy: i + 1,
        state: controls.holdWebhooks ? 'held' : 'pending',
      }),
    );
    const run = async () => {
      await Promise.all(records.map((r) => this.deliver(r, bytes, corrupt)));
      return records;
    };
    if (controls.holdWebhooks) {
      this.held.push(run);
      return records;
    }
    return run();
  }

  /** Sends everything held, one event after the other, in arrival or reverse order. */
  async release(order: 'fifo' | 'reverse'): Promise<DeliveryRecord[]> {
    const batch = order === 'reverse' ? [...this.held].reverse() : [...this.held];
    this.held = [];
    const out: DeliveryRecord[] = [];
    for (const run of batch) out.push(...(await run()));
    return out;
  }

  heldCount(): number {
    return this.held.length;
  }

  clearHeld(): void {
    this.held = [];
  }

  onApplicationShutdown(): void {
    this.closed = true;
    this.held = [];
  }

  private headers(
    provider: SandboxProvider,
    bytes: string,
    corrupt: boolean,
  ): Record<string, string> {
    const h: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'iayos-sandbox',
    };
    if (provider === 'paymongo') {
      const t = Math.floor(Date.now() / 1000) + this.store.controls.signatureSkewSeconds;
      const live = this.cfg.payments.paymongo.secretKey.startsWith('sk_live_');
      let sig = signPaymongoWebhook(this.cfg.payments.paymongo.webhookSecret ?? '', bytes, {
        t,
        livemode: live,
      });
      // Flip one hex digit of the signature: same shape, wrong value.
      if (corrupt)
        sig = sig.replace(
          /(te|li)=([0-9a-f])/,
          (_, k: string, c: string) => `${k}=${c === '0' ? '1' : '0'}`,
        );
      h['Paymongo-Signature'] = sig;
    } else {
      const token = this.cfg.payments.xendit.webhookToken ?? '';
      h['x-callback-token'] = corrupt ? `${token}-forged` : token;
    }
    return h;
  }

  private async deliver(rec: DeliveryRecord, bytes: string, corrupt: boolean): Promise<void> {
    rec.state = 'pending';
    const { maxAttempts, retryBaseMs, delayMs } = this.store.controls;
    await sleep(delayMs);
    for (let attempt = 1; attempt <= Math.max(1, maxAttempts); attempt++) {
      if (this.closed) break;
      try {
        const res = await fetch(this.webhookUrl(rec.provider), {
          method: 'POST',
          headers: this.headers(rec.provider, bytes, corrupt),
          body: bytes,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        rec.attempts.push({ at: new Date().toISOString(), status: res.status });
        if (res.status >= 200 && res.status < 300) {
          rec.state = 'delivered';
          return;
        }
      } catch (err) {
        rec.attempts.push({
          at: new Date().toISOString(),
          status: null,
          error: err instanceof Error ? err.message : String(err),
        });
      }
      if (attempt < maxAttempts) await sleep(Math.min(retryBaseMs * 2 ** (attempt - 1), 10_000));
    }
    rec.state = 'failed';
    if (!this.closed)
      this.log.warn(
        `Gave up delivering ${rec.eventType} ${rec.eventId} after ${rec.attempts.length} attempts`,
      );
  }
}
