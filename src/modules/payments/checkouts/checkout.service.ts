import { HttpStatus, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { providerUnavailable } from '../../../common/circuit-breaker/circuit-breaker';
import { CircuitBreakerRegistry } from '../../../common/circuit-breaker/circuit-breaker.registry';
import { HealthRegistry } from '../../../common/health/health-registry';
import type { AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.token';
import type { Transaction } from '../../wallet/transaction.entity';
import { TransactionsService } from '../../wallet/transactions.service';
import { checkoutReturnUrls } from '../deposits/checkout-urls';
import { checkoutMaximum, checkoutMinimum } from '../providers/gateway-capabilities';
import {
  PAYMENT_PROVIDER_NAMES,
  type CheckoutMethod,
  type CheckoutPurpose,
  type PaymentProvider,
  type PaymentProviderName,
} from '../providers/payment-provider';
import { PaymentProviderRegistry } from '../providers/payment-provider.token';
import { ProviderError } from '../providers/provider-errors';
import { checkoutFailovers, checkoutsOpened } from './checkout.metrics';

/** What to open; the PENDING transaction carries the amount, our reference and the gateway. */
export interface CheckoutRequest {
  purpose: CheckoutPurpose;
  /** `activated`: every method activated on the gateway that takes it (deposits). */
  methods: readonly CheckoutMethod[] | 'activated';
  description: string;
  customer: { name: string; email: string };
  /** Besides `payment_type` and `transaction_id`, which are always set. */
  metadata?: Record<string, string>;
  /** The frontend page the hosted checkout returns to. */
  returnTo: { kind: string; id: string };
}

export interface OpenedCheckout {
  checkoutId: string;
  checkoutUrl: string;
  provider: PaymentProviderName;
  failedOver: boolean;
}

/**
 * The one place a gateway checkout is opened (deposits, GCash verification, GCash job payments) and
 * its failure policy (ADR 0086):
 * - `gatewayFor` (before anything is written): the primary (`PAYMENT_PROVIDER`) unless its breaker is
 *   open; then, with `GATEWAY_FAILOVER`, the other gateway if its capability table takes the amount
 *   and methods and its own breaker is not open; else the primary's 503 with Retry-After.
 * - `open`: creates the checkout for the PENDING transaction and records the gateway's ids. A create
 *   that failed as `unavailable` (nothing accepted) at the primary is opened at the other gateway in
 *   the same call (the transaction records which). Surely not created → FAILED; ambiguous (maybe
 *   created) → left PENDING for reconciliation, never opened anywhere else.
 */
@Injectable()
export class CheckoutService implements OnModuleInit {
  private readonly log = new Logger('Checkouts');
  /** Where new checkouts went last; a change is logged once (not per request). */
  private routedTo: PaymentProviderName;

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly providers: PaymentProviderRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly transactions: TransactionsService,
    private readonly health: HealthRegistry,
  ) {
    this.routedTo = cfg.payments.provider;
  }

  onModuleInit(): void {
    this.health.setRoutingSource(() => {
      const current = this.breakerRoute();
      return {
        primary: this.primary,
        failover_enabled: this.cfg.payments.failover,
        current,
        failed_over: current !== this.primary,
      };
    });
  }

  private get primary(): PaymentProviderName {
    return this.cfg.payments.provider;
  }

  private get secondary(): PaymentProviderName {
    return PAYMENT_PROVIDER_NAMES.find((n) => n !== this.primary) ?? this.primary;
  }

  /** The gateway a new checkout of `amount` goes to; throws the primary's 503 when none can take it. */
  gatewayFor(amount: number, methods: CheckoutRequest['methods']): PaymentProviderName {
    const breaker = this.breakers.find(this.primary);
    if (breaker?.state !== 'open') return this.primary;
    if (this.canFailOver(amount, methods)) {
      this.noteRoute(this.secondary, `the ${this.primary} circuit breaker is open`);
      checkoutFailovers.inc({ from: this.primary, to: this.secondary, reason: 'breaker_open' });
      return this.secondary;
    }
    throw providerUnavailable(this.primary, breaker.retryAfterSeconds());
  }

  async open(txn: Transaction, req: CheckoutRequest): Promise<OpenedCheckout> {
    const first = this.providers.byName(txn.provider ?? this.primary);
    try {
      return await this.openAt(first, txn, req, false);
    } catch (err) {
      const unavailable = err instanceof ProviderError && err.kind === 'unavailable';
      if (
        !unavailable ||
        first.name !== this.primary ||
        !this.canFailOver(txn.amount, req.methods)
      ) {
        await this.closeUnlessAmbiguous(txn, err);
        throw withRetryAfter(err);
      }
      // Nothing was accepted at the primary: the same transaction is opened at the other gateway.
      checkoutFailovers.inc({
        from: this.primary,
        to: this.secondary,
        reason: 'create_unavailable',
      });
      this.noteRoute(this.secondary, `${this.primary} could not take a checkout`);
      await this.transactions.attachProvider(txn.id, { provider: this.secondary });
      try {
        return await this.openAt(this.providers.get(this.secondary), txn, req, true);
      } catch (second) {
        await this.closeUnlessAmbiguous(txn, second);
        // A possible checkout at the other gateway is what matters now; otherwise the primary's 503.
        throw withRetryAfter(
          second instanceof ProviderError && second.kind === 'ambiguous' ? second : err,
        );
      }
    }
  }

  private async openAt(
    provider: PaymentProvider,
    txn: Transaction,
    req: CheckoutRequest,
    failedOver: boolean,
  ): Promise<OpenedCheckout> {
    const session = await provider.createCheckout({
      amount: txn.amount,
      currency: 'PHP',
      description: req.description,
      reference: txn.id,
      idempotencyKey: `checkout:${txn.id}`,
      customer: req.customer,
      methods: [...this.methodsAt(provider, req.methods)],
      metadata: { ...req.metadata, payment_type: req.purpose, transaction_id: txn.id },
      ...checkoutReturnUrls(this.cfg, req.returnTo.kind, req.returnTo.id),
    });
    await this.transactions.attachProvider(txn.id, {
      providerReference: session.checkoutId,
      metadata: {
        checkoutUrl: session.checkoutUrl,
        ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
        ...(failedOver ? { failedOverFrom: this.primary } : {}),
      },
    });
    checkoutsOpened.inc({
      provider: provider.name,
      purpose: req.purpose,
      failed_over: String(failedOver),
    });
    if (provider.name === this.primary)
      this.noteRoute(this.primary, `${this.primary} took a checkout`);
    return {
      checkoutId: session.checkoutId,
      checkoutUrl: session.checkoutUrl,
      provider: provider.name,
      failedOver,
    };
  }

  /** Failover is on and the other gateway's table takes this payment, and its breaker is not open. */
  private canFailOver(amount: number, methods: CheckoutRequest['methods']): boolean {
    if (!this.cfg.payments.failover || this.secondary === this.primary) return false;
    if (this.breakers.find(this.secondary)?.state === 'open') return false;
    const other = this.providers.get(this.secondary);
    const wanted = this.methodsAt(other, methods);
    if (wanted.length === 0) return false;
    if (!wanted.every((m) => other.capabilities.activatedMethods.includes(m))) return false;
    try {
      return (
        amount >= checkoutMinimum(other.capabilities, wanted) &&
        amount <= checkoutMaximum(other.capabilities, wanted)
      );
    } catch {
      return false; // a method without documented limits at that gateway
    }
  }

  private methodsAt(
    provider: PaymentProvider,
    methods: CheckoutRequest['methods'],
  ): readonly CheckoutMethod[] {
    return methods === 'activated' ? provider.capabilities.activatedMethods : methods;
  }

  /** Where routing is by the breakers alone (for /health/status). */
  private breakerRoute(): PaymentProviderName {
    if (this.breakers.find(this.primary)?.state !== 'open') return this.primary;
    if (this.cfg.payments.failover && this.breakers.find(this.secondary)?.state !== 'open')
      return this.secondary;
    return this.primary;
  }

  private noteRoute(to: PaymentProviderName, why: string): void {
    if (this.routedTo === to) return;
    this.routedTo = to;
    if (to === this.primary) this.log.log(`New checkouts are back on ${to} (${why})`);
    else this.log.warn(`New checkouts fail over to ${to}: ${why}`);
  }

  private async closeUnlessAmbiguous(txn: Transaction, err: unknown): Promise<void> {
    // Ambiguous: the checkout may exist; reconciliation settles or expires the PENDING record.
    if (err instanceof ProviderError && err.kind === 'ambiguous') return;
    await this.transactions.setStatus(txn.id, 'FAILED');
  }
}

/** Seconds a client is told to wait after a gateway 503 that named no time of its own. */
const GATEWAY_RETRY_AFTER_SECONDS = 30;

/** Every 503 carries Retry-After (the contract): a gateway failure without one gets ours. */
function withRetryAfter(err: unknown): unknown {
  if (
    !(err instanceof ProviderError) ||
    err.status !== HttpStatus.SERVICE_UNAVAILABLE ||
    err.headers?.['Retry-After']
  )
    return err;
  return new ProviderError(
    err.provider,
    err.kind,
    err.providerCode,
    err.message,
    GATEWAY_RETRY_AFTER_SECONDS,
  );
}
