import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import { SandboxRecords, SandboxTx } from './sandbox-records';
import { GatewayReply, pmError, xnError } from './sandbox-replies';
import { SandboxStore } from './sandbox.store';
import type { SandboxProvider } from './sandbox.types';

/** A create that was refused: its transaction rolls back (nothing half-made is kept). */
class Refused extends Error {
  constructor(readonly reply: GatewayReply) {
    super('refused');
  }
}

/**
 * What every sandbox gateway endpoint shares: whether the sandbox serves at all, the API key check,
 * the injected 5xx knob, and idempotent creates. The resources live in the checkout, payout and refund
 * services; controllers only translate HTTP to their calls.
 */
@Injectable()
export class SandboxGatewayService {
  constructor(
    private readonly store: SandboxStore,
    private readonly records: SandboxRecords,
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
  ) {}

  /** The sandbox answers only while the service is configured to talk to it. */
  get enabled(): boolean {
    if (this.cfg.app.isProduction) return false;
    const own = `${this.cfg.app.publicBaseUrl}/sandbox/`;
    return (
      this.cfg.payments.sandbox ||
      `${this.cfg.payments.paymongo.baseUrl}/`.startsWith(own) ||
      `${this.cfg.payments.xendit.baseUrl}/`.startsWith(own)
    );
  }

  checkoutUrl(id: string): string {
    return `${this.cfg.app.publicBaseUrl}/sandbox/checkout/${id}`;
  }

  /** Basic auth with the configured secret key as username and an empty password. */
  authorised(provider: SandboxProvider, header: string | undefined): boolean {
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const key =
      provider === 'paymongo'
        ? this.cfg.payments.paymongo.secretKey
        : this.cfg.payments.xendit.apiKey;
    return decoded === `${key}:`;
  }

  unauthorised(provider: SandboxProvider): GatewayReply {
    return provider === 'paymongo'
      ? pmError(
          401,
          'api_key_invalid',
          'API key is invalid or missing. Use your secret key as the username.',
        )
      : xnError(401, 'INVALID_API_KEY', 'API key is invalid');
  }

  /** The "fail the next N calls with 5xx" knob. */
  injectedFailure(provider: SandboxProvider): GatewayReply | null {
    const only = this.store.controls.failCallsOf;
    if ((only !== '' && only !== provider) || !this.store.take('failNextCalls')) return null;
    return provider === 'paymongo'
      ? pmError(500, 'internal_server_error', 'Something went wrong on our end (sandbox-injected).')
      : xnError(500, 'SERVER_ERROR', 'Something went wrong (sandbox-injected)');
  }

  /**
   * Runs a create in one transaction: it commits only when the create answers 200 (a refused request
   * leaves nothing behind). With a key, creates with the same key are serialised across instances; a
   * repeat replays the stored reply and one with different parameters is refused.
   */
  async create(
    provider: SandboxProvider,
    key: string | undefined,
    body: unknown,
    make: (tx: SandboxTx) => Promise<GatewayReply>,
  ): Promise<GatewayReply> {
    const scoped = `${provider}:${key}`;
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    try {
      return await this.records.tx(async (tx) => {
        if (key) {
          await this.records.lockKey(tx.q, scoped);
          const prior = await this.records.reply(tx.q, scoped);
          if (prior?.fingerprint === fingerprint) return { status: prior.status, body: prior.body };
          if (prior) throw new Refused(this.keyReused(provider));
        }
        const reply = await make(tx);
        // Like PayMongo: nothing is stored for a request that failed validation.
        if (reply.status !== 200) throw new Refused(reply);
        if (key) await this.records.saveReply(tx.q, scoped, { fingerprint, ...reply });
        return reply;
      });
    } catch (err) {
      if (err instanceof Refused) return err.reply;
      throw err;
    }
  }

  private keyReused(provider: SandboxProvider): GatewayReply {
    return provider === 'paymongo'
      ? pmError(
          400,
          'idempotency_key_reused',
          'The idempotency key was used with different parameters.',
        )
      : xnError(409, 'DUPLICATE_ERROR', 'Idempotency key was used with a different request');
  }
}
