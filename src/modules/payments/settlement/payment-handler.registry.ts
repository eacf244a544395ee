import { Injectable } from '@nestjs/common';
import type { CheckoutPurpose } from '../providers/payment-provider';
import type { CheckoutHandler, PayoutHandler, RefundHandler } from './settlement.types';

/**
 * Where each payment purpose plugs in its effect (deposits here, GCash verification in the verification
 * module, escrow payments in the jobs module), so webhook processing never depends on those modules.
 * Register from `onModuleInit`.
 */
@Injectable()
export class PaymentHandlerRegistry {
  private readonly checkout = new Map<CheckoutPurpose, CheckoutHandler>();
  private payout: PayoutHandler | null = null;
  private refund: RefundHandler | null = null;

  registerCheckoutHandler(purpose: CheckoutPurpose, handler: CheckoutHandler): void {
    if (this.checkout.has(purpose))
      throw new Error(`Checkout handler for ${purpose} registered twice`);
    this.checkout.set(purpose, handler);
  }

  registerPayoutHandler(handler: PayoutHandler): void {
    if (this.payout) throw new Error('Payout handler registered twice');
    this.payout = handler;
  }

  registerRefundHandler(handler: RefundHandler): void {
    if (this.refund) throw new Error('Refund handler registered twice');
    this.refund = handler;
  }

  refundHandler(): RefundHandler | null {
    return this.refund;
  }

  checkoutHandler(purpose: string | undefined): CheckoutHandler | undefined {
    return purpose ? this.checkout.get(purpose as CheckoutPurpose) : undefined;
  }

  payoutHandler(): PayoutHandler | null {
    return this.payout;
  }
}
