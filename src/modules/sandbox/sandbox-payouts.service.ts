import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { paymongoCapabilities } from '../payments/providers/paymongo/paymongo.capabilities';
import { BANK_DIRECTORY, WALLET_DIRECTORY } from '../payments/providers/bank-directory';
import { ALL_METHODS } from './sandbox-checkout-requests';
import { SandboxGatewayService } from './sandbox-gateway.service';
import { SandboxRecords, SandboxTx } from './sandbox-records';
import { GatewayReply, isObj, isPosInt, pmError, xenditAmount, xnError } from './sandbox-replies';
import { paymongoTransfer, xenditPayout } from './sandbox-resources';
import { paymongoId, xenditPayoutId } from './sandbox.ids';
import { SandboxStore } from './sandbox.store';
import { SandboxWebhookDispatcher } from './sandbox-webhook.dispatcher';
import type { DeliveryRecord, SandboxPayout, SandboxProvider } from './sandbox.types';

const PM_RAIL_CAPS: Record<string, number> = Object.fromEntries(
  paymongoCapabilities({ activatedMethods: ALL_METHODS, pesonetEnabled: true }).payoutRails.map(
    (r) => [r.rail, r.maxAmount],
  ),
);
/** The sandbox merchant wallet's own account: transfers must name it as `source_account`. */
export const SANDBOX_SOURCE_ACCOUNT = {
  number: '000000012345',
  name: 'iAyos Sandbox Merchant',
  bic: 'PAEYPHM2XXX',
};
const DIRECTORY = [...BANK_DIRECTORY, ...Object.values(WALLET_DIRECTORY)];
/** Receiving institutions per rail (e-wallets are reachable by InstaPay only). */
const INSTITUTIONS: Record<string, Array<{ bic: string; name: string }>> = {
  instapay: DIRECTORY.map((d) => ({ bic: d.paymongoBic, name: d.name })),
  pesonet: BANK_DIRECTORY.map((d) => ({ bic: d.paymongoBic, name: d.name })),
};
const XENDIT_CHANNELS = new Set(DIRECTORY.map((d) => d.xenditChannel));

type PayoutFields = Pick<
  SandboxPayout,
  | 'reference'
  | 'amount'
  | 'channel'
  | 'accountNumber'
  | 'accountName'
  | 'description'
  | 'metadata'
  | 'rail'
  | 'sourceAccount'
>;

/**
 * Payouts of both gateways (Xendit payouts, PayMongo transfers). Each settles `payoutDelayMs` after
 * its create: by a timer, re-armed at startup for payouts still pending, and by any read that finds
 * it due, so a restart never leaves one pending for ever. The settling is one row transition; only
 * its winner sends the Xendit callback.
 */
@Injectable()
export class SandboxPayoutsService implements OnApplicationBootstrap {
  private readonly log = new Logger('SandboxPayouts');

  constructor(
    private readonly gw: SandboxGatewayService,
    private readonly records: SandboxRecords,
    private readonly store: SandboxStore,
    private readonly webhooks: SandboxWebhookDispatcher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.gw.enabled)
      await this.records.rearmPending(
        'sandbox_payouts',
        (id, inMs) => this.arm(id, inMs),
        this.log,
      );
  }

  xenditCreatePayout(body: unknown, idempotencyKey: string | undefined): Promise<GatewayReply> {
    if (!idempotencyKey)
      return Promise.resolve(
        xnError(400, 'API_VALIDATION_ERROR', 'Idempotency-key header is required'),
      );
    return this.gw.create('xendit', idempotencyKey, body, async (tx) => {
      if (!isObj(body))
        return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
      const props = isObj(body.channel_properties) ? body.channel_properties : {};
      if (typeof body.reference_id !== 'string' || typeof body.channel_code !== 'string')
        return xnError(400, 'API_VALIDATION_ERROR', 'reference_id and channel_code are required');
      if (typeof props.account_number !== 'string' || typeof props.account_holder_name !== 'string')
        return xnError(400, 'API_VALIDATION_ERROR', 'channel_properties are incomplete');
      const amount = xenditAmount(body);
      if (typeof amount !== 'number') return amount;
      if (!XENDIT_CHANNELS.has(body.channel_code))
        return xnError(
          400,
          'CHANNEL_CODE_NOT_SUPPORTED',
          `channel_code ${body.channel_code} is not supported`,
        );
      const p = await this.newPayout(tx, 'xendit', xenditPayoutId(), {
        reference: body.reference_id,
        amount,
        channel: body.channel_code,
        accountNumber: props.account_number,
        accountName: props.account_holder_name,
        description: typeof body.description === 'string' ? body.description : '',
        metadata: isObj(body.metadata)
          ? Object.fromEntries(Object.entries(body.metadata).map(([k, v]) => [k, String(v)]))
          : {},
      });
      return { status: 200, body: xenditPayout(p) };
    });
  }

  async xenditGetPayout(id: string): Promise<GatewayReply> {
    const p = await this.payout(id);
    if (!p || p.provider !== 'xendit') return xnError(404, 'DATA_NOT_FOUND', 'Payout not found');
    return { status: 200, body: xenditPayout(p) };
  }

  paymongoCreateTransfers(
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<GatewayReply> {
    return this.gw.create('paymongo', idempotencyKey, body, async (tx) => {
      const transfers = isObj(body) && Array.isArray(body.transfers) ? body.transfers : null;
      if (!transfers || transfers.length === 0)
        return pmError(400, 'parameter_required', 'transfers is required.', 'transfers');
      const created: SandboxPayout[] = [];
      for (const raw of transfers) {
        const t = isObj(raw) ? raw : {};
        const dest = isObj(t.destination_account) ? t.destination_account : {};
        if (!isPosInt(t.amount))
          return pmError(
            400,
            'parameter_data_type_invalid',
            'amount must be an integer.',
            'amount',
          );
        if (typeof dest.number !== 'string' || typeof dest.name !== 'string')
          return pmError(
            400,
            'parameter_required',
            'destination_account is required.',
            'destination_account',
          );
        const src = isObj(t.source_account) ? t.source_account : {};
        if (src.number !== SANDBOX_SOURCE_ACCOUNT.number || src.bic !== SANDBOX_SOURCE_ACCOUNT.bic)
          return pmError(
            400,
            'parameter_invalid',
            'source_account must match an account attached to your wallet.',
            'source_account',
          );
        const rail = typeof t.provider === 'string' ? t.provider : '';
        if (!(rail in PM_RAIL_CAPS))
          return pmError(
            400,
            'parameter_invalid',
            'provider must be instapay or pesonet.',
            'provider',
          );
        if (!INSTITUTIONS[rail].some((i) => i.bic === dest.bic))
          return pmError(
            400,
            'parameter_invalid',
            `destination_account.bic is not a ${rail} receiving institution.`,
            'destination_account.bic',
          );
        if (t.amount > PM_RAIL_CAPS[rail])
          return pmError(
            400,
            'parameter_above_maximum',
            `The maximum value for the amount is ${PM_RAIL_CAPS[rail]} for ${rail}.`,
            'amount',
          );
        created.push(
          await this.newPayout(tx, 'paymongo', paymongoId('tr'), {
            reference: typeof t.reference_number === 'string' ? t.reference_number : '',
            amount: t.amount,
            channel: typeof dest.bic === 'string' ? dest.bic : '',
            accountNumber: dest.number,
            accountName: dest.name,
            description: typeof t.description === 'string' ? t.description : '',
            metadata: {},
            rail,
            sourceAccount: src,
          }),
        );
      }
      return {
        status: 200,
        body: { data: { id: paymongoId('batch_tr'), transfers: created.map(paymongoTransfer) } },
      };
    });
  }

  paymongoWallets(): GatewayReply {
    return {
      status: 200,
      body: {
        data: [
          {
            id: 'wallet_sandbox',
            type: 'wallet',
            currency: 'PHP',
            status: 'activated',
            source_account: { ...SANDBOX_SOURCE_ACCOUNT, bank_name: 'PayMongo' },
          },
        ],
      },
    };
  }

  paymongoInstitutions(provider: string | undefined): GatewayReply {
    const list = INSTITUTIONS[provider ?? ''];
    if (!list)
      return pmError(400, 'parameter_invalid', 'provider must be instapay or pesonet.', 'provider');
    return {
      status: 200,
      body: { data: list.map((i) => ({ bic: i.bic, name: i.name, provider })) },
    };
  }

  async paymongoGetTransfer(id: string): Promise<GatewayReply> {
    const p = await this.payout(id);
    if (!p || p.provider !== 'paymongo')
      return pmError(404, 'resource_not_found', `Transfer ${id} not found.`);
    return { status: 200, body: { data: paymongoTransfer(p) } };
  }

  /** A payout as the gateway reports it now: settled first if it is due (e.g. its timer was lost). */
  async payout(id: string): Promise<SandboxPayout | null> {
    const settled = await this.records.settle<SandboxPayout>('sandbox_payouts', id, true);
    if (settled) void this.announce(settled);
    return this.records.payout(id);
  }

  /** The channel sends a succeeded payout back (Xendit `payout.reversed`). */
  async reversePayout(id: string): Promise<DeliveryRecord[] | null> {
    // PayMongo documents no reversal of a succeeded transfer; Xendit sends `payout.reversed`.
    const p = await this.records.reversePayout(id, Date.now());
    if (!p) return null;
    return this.webhooks.send('xendit', `payout.reversed:${p.id}`, 'payout.reversed', {
      event: 'payout.reversed',
      business_id: 'sandbox-business',
      created: new Date().toISOString(),
      data: xenditPayout(p),
    });
  }

  private async newPayout(
    tx: SandboxTx,
    provider: SandboxProvider,
    id: string,
    f: PayoutFields,
  ): Promise<SandboxPayout> {
    const now = Date.now();
    const p: SandboxPayout = {
      provider,
      id,
      currency: 'PHP',
      state: 'pending',
      failureCode: null,
      createdAt: now,
      updatedAt: now,
      ...f,
    };
    // Test accounts ending in 0002 (PayMongo's magic number) or the knob make the channel refuse it.
    const fails = f.accountNumber.endsWith('0002') || this.store.take('failNextPayouts');
    const delay = this.store.controls.payoutDelayMs;
    await this.records.insertPayout(tx.q, p, new Date(now + delay), fails);
    tx.after.push(() => this.arm(id, delay));
    return p;
  }

  private arm(id: string, inMs: number): void {
    setTimeout(() => {
      this.records
        .settle<SandboxPayout>('sandbox_payouts', id, false)
        .then((p) => (p ? this.announce(p) : undefined))
        .catch((err: unknown) =>
          this.log.warn(`Settling sandbox payout ${id} failed: ${String(err)}`),
        );
    }, inMs).unref();
  }

  /** PayMongo's transfer callback signing is undocumented: its payouts are settled by polling. */
  private async announce(p: SandboxPayout): Promise<void> {
    if (p.provider !== 'xendit') return;
    const event = p.state === 'failed' ? 'payout.failed' : 'payout.succeeded';
    await this.webhooks.send('xendit', `${event}:${p.id}`, event, {
      event,
      business_id: 'sandbox-business',
      created: new Date().toISOString(),
      data: xenditPayout(p),
    });
  }
}
