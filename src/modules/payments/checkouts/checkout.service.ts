import { HttpStatus, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { providerUnavailable } from 'src/common/circuit-breaker/circuit-breaker';
import { CircuitBreakerRegistry } from 'src/common/circuit-breaker/circuit-breaker.registry';
import { crashPoint } from 'src/common/crash/crash-points';
import { UnitOfWork } from 'src/common/database/unit-of-work';
import { HealthRegistry } from 'src/common/health/health-registry';
import type { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/config.token';
import type { EntityManager } from 'typeorm';
import type { Transaction } from 'src/modules/wallet/transaction.model';
import { TransactionsRepository } from 'src/modules/wallet/transactions.repository';
import { checkoutReturnUrls } from '../deposits/checkout-urls';
import {
  assertCheckoutAllowed,
  checkoutMaximum,
  checkoutMinimum,
} from '../providers/gateway-capabilities';
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
  /** The gateway this purpose prefers (default `PAYMENT_PROVIDER`; verification has its own). */
  primary?: PaymentProviderName;
  /** Runs in the transaction that closes a surely-not-created checkout (purpose-specific undo). */
  onFailed?: (m: EntityManager) => Promise<void>;
}

export interface RouteOptions {
  primary?: PaymentProviderName;
  /**
   * Whose amount the primary's documented limits refuse: the caller's (400) or the server's own
   * configured one, e.g. VERIFICATION_AMOUNT (422); the payments catalogue holds both entries.
   */
  refusal?: 'request' | 'configuration';
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
  /** Per primary, where its new checkouts went last; a change is logged once (not per request). */
  private readonly routedTo = new Map<PaymentProviderName, PaymentProviderName>();

  constructor(
    @Inject(APP_CONFIG) private readonly cfg: AppConfig,
    private readonly providers: PaymentProviderRegistry,
    private readonly breakers: CircuitBreakerRegistry,
    private readonly transactions: TransactionsRepository,
    private readonly health: HealthRegistry,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.health.setRoutingSource(() => {
      const current = this.breakerRoute();
      return {
        primary: this.defaultPrimary,
        failover_enabled: this.cfg.payments.failover,
        current,
        failed_over: current !== this.defaultPrimary,
      };
    });
  }

  private get defaultPrimary(): PaymentProviderName {
    return this.cfg.payments.provider;
  }

  /**
   * The gateway a new checkout of `amount` goes to. Refuses what the primary's documented
   * limits refuse; throws the primary's 503 when neither it nor (with failover) the other can take it.
   */
  gatewayFor(
    amount: number,
    methods: CheckoutRequest['methods'],
    opts: RouteOptions = {},
  ): PaymentProviderName {
    const primary = opts.primary ?? this.defaultPrimary;
    const caps = this.providers.get(primary).capabilities;
    assertCheckoutAllowed(
      caps,
      methods === 'activated' ? caps.activatedMethods : methods,
      amount,
      opts.refusal,
    );
    const breaker = this.breakers.find(primary);
    if (breaker?.state !== 'open') return primary;
    const other = otherThan(primary);
    if (this.canFailOver(primary, amount, methods)) {
      this.noteRoute(primary, other, `the ${primary} circuit breaker is open`);
      checkoutFailovers.inc({ from: primary, to: other, reason: 'breaker_open' });
      return other;
    }
    throw providerUnavailable(primary, breaker.retryAfterSeconds());
  }

  async open(txn: Transaction, req: CheckoutRequest): Promise<OpenedCheckout> {
    const primary = req.primary ?? this.defaultPrimary;
    const first = this.providers.byName(txn.provider ?? primary);
    try {
      return await this.openAt(first, txn, req, primary);
    } catch (err) {
      const unavailable = err instanceof ProviderError && err.kind === 'unavailable';
      if (
        !unavailable ||
        first.name !== primary ||
        !this.canFailOver(primary, txn.amount, req.methods)
      ) {
        await this.closeUnlessAmbiguous(txn, req, err);
        throw withRetryAfter(err);
      }
      // Nothing was accepted at the primary: the same transaction is opened at the other gateway.
      const other = otherThan(primary);
      checkoutFailovers.inc({ from: primary, to: other, reason: 'create_unavailable' });
      this.noteRoute(primary, other, `${primary} could not take a checkout`);
      await this.transactions.attachProvider(txn.id, {
        provider: other,
        metadata: { failedOverFrom: primary },
      });
      try {
        return await this.openAt(this.providers.get(other), txn, req, primary);
      } catch (second) {
        await this.closeUnlessAmbiguous(txn, req, second);
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
    primary: PaymentProviderName,
  ): Promise<OpenedCheckout> {
    const failedOver = provider.name !== primary;
    crashPoint('before-gateway-call');
    // The gateway key derives from our id, so asking again after a crash returns the same checkout.
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
    crashPoint('after-gateway-call');
    await this.transactions.attachProvider(txn.id, {
      providerReference: session.checkoutId,
      metadata: {
        checkoutUrl: session.checkoutUrl,
        ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
      },
    });
    checkoutsOpened.inc({
      provider: provider.name,
      purpose: req.purpose,
      failed_over: String(failedOver),
    });
    if (!failedOver) this.noteRoute(primary, primary, `${primary} took a checkout`);
    return {
      checkoutId: session.checkoutId,
      checkoutUrl: session.checkoutUrl,
      provider: provider.name,
      failedOver,
    };
  }

  /** Failover is on and the other gateway's table takes this payment, and its breaker is not open. */
  private canFailOver(
    primary: PaymentProviderName,
    amount: number,
    methods: CheckoutRequest['methods'],
  ): boolean {
    const otherName = otherThan(primary);
    if (!this.cfg.payments.failover || otherName === primary) return false;
    if (this.breakers.find(otherName)?.state === 'open') return false;
    const other = this.providers.get(otherName);
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

  /** Where routing is by the breakers alone (for /health/status), for the default primary. */
  private breakerRoute(): PaymentProviderName {
    const primary = this.defaultPrimary;
    const other = otherThan(primary);
    if (this.breakers.find(primary)?.state !== 'open') return primary;
    if (this.cfg.payments.failover && this.breakers.find(other)?.state !== 'open') return other;
    return primary;
  }

  /** Logs a change of where a primary's checkouts go, once per change (not per request). */
  private noteRoute(primary: PaymentProviderName, to: PaymentProviderName, why: string): void {
    if ((this.routedTo.get(primary) ?? primary) === to) return;
    this.routedTo.set(primary, to);
    if (to === primary) this.log.log(`New checkouts are back on ${to} (${why})`);
    else this.log.warn(`New checkouts fail over from ${primary} to ${to}: ${why}`);
  }

  private async closeUnlessAmbiguous(
    txn: Transaction,
    req: CheckoutRequest,
    err: unknown,
  ): Promise<void> {
    // Ambiguous: the checkout may exist; reconciliation settles or expires the PENDING record.
    if (err instanceof ProviderError && err.kind === 'ambiguous') return;
    await this.uow.run('checkout.fail', async (m) => {
      await this.transactions.setStatus(txn.id, 'FAILED', m);
      if (req.onFailed) await req.onFailed(m);
    });
  }
}

const otherThan = (name: PaymentProviderName): PaymentProviderName =>
  PAYMENT_PROVIDER_NAMES.find((n) => n !== name) ?? name;

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
