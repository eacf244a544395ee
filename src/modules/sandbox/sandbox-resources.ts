import { centavosToPesos } from 'src/common/money/money';
import { paymongoId } from './sandbox.ids';
import type { SandboxCheckout, SandboxPayout, SandboxRefund } from './sandbox.types';

/** Builders of the gateways' wire resources from sandbox records (shapes as the real APIs send them). */
const unix = (ms: number) => Math.floor(ms / 1000);
const iso = (ms: number) => new Date(ms).toISOString();

function lineItems(c: SandboxCheckout): Array<Record<string, unknown>> {
  const items = Array.isArray(c.request.line_items) ? (c.request.line_items as unknown[]) : [];
  return items.map((raw) => {
    const li = raw as Record<string, unknown>;
    return {
      amount: li.amount,
      currency: li.currency,
      description: li.description ?? null,
      images: li.images ?? [],
      name: li.name,
      quantity: li.quantity,
    };
  });
}

export function paymongoPayment(
  c: SandboxCheckout,
  status: 'paid' | 'failed',
  refunds: unknown[] = [],
) {
  const amount = status === 'paid' ? (c.paidAmount ?? c.amount) : c.amount;
  const at = unix(c.updatedAt);
  return {
    id: c.paymentId ?? paymongoId('pay'),
    type: 'payment',
    attributes: {
      access_url: null,
      amount,
      balance_transaction_id: status === 'paid' ? paymongoId('bal_txn') : null,
      billing: { email: c.billing.email, name: c.billing.name, phone: null, address: null },
      currency: c.currency,
      description: c.description,
      disputed: false,
      external_reference_number: null,
      fee: Math.round(amount * 0.025),
      livemode: false,
      net_amount: amount - Math.round(amount * 0.025),
      origin: 'api',
      payment_intent_id: c.paymentIntentId,
      payout: null,
      source: { id: paymongoId('src'), type: 'gcash', provider: { id: null }, provider_id: null },
      statement_descriptor: 'IAYOS SANDBOX',
      status,
      tax_amount: null,
      metadata: { ...c.metadata },
      refunds,
      taxes: [],
      available_at: status === 'paid' ? at + 86400 : null,
      created_at: at,
      credited_at: status === 'paid' ? at + 86400 : null,
      paid_at: status === 'paid' ? at : null,
      updated_at: at,
      ...(status === 'failed'
        ? { failed_code: 'payment_failed', failed_message: 'The payment was declined' }
        : {}),
    },
  };
}

export function paymongoSession(c: SandboxCheckout, checkoutUrl: string) {
  const paid = c.state === 'paid';
  const payments = paid ? [paymongoPayment(c, 'paid')] : [];
  return {
    id: c.id,
    type: 'checkout_session',
    attributes: {
      billing: {
        address: {
          city: null,
          country: null,
          line1: null,
          line2: null,
          postal_code: null,
          state: null,
        },
        email: c.billing.email,
        name: c.billing.name,
        phone: null,
      },
      billing_information_fields_editable: 'enabled',
      cancel_url: c.cancelUrl,
      checkout_url: checkoutUrl,
      client_key: c.clientKey,
      customer_email: c.billing.email,
      description: c.description,
      line_items: lineItems(c),
      livemode: false,
      merchant: 'iAyos Sandbox',
      payments,
      payment_intent: {
        id: c.paymentIntentId,
        type: 'payment_intent',
        attributes: {
          amount: c.amount,
          capture_type: 'automatic',
          currency: c.currency,
          description: c.description,
          livemode: false,
          status: paid ? 'succeeded' : 'awaiting_payment_method',
          last_payment_error: c.failedAttempts > 0 && !paid ? { code: 'payment_failed' } : null,
          payment_method_allowed: c.methods,
          payments,
          next_action: null,
          metadata: { ...c.metadata },
          created_at: unix(c.createdAt),
          updated_at: unix(c.updatedAt),
        },
      },
      payment_method_types: c.methods,
      reference_number: c.reference,
      send_email_receipt: c.request.send_email_receipt === true,
      show_description: c.request.show_description !== false,
      show_line_items: c.request.show_line_items !== false,
      status: c.state === 'expired' ? 'expired' : 'active',
      success_url: c.successUrl,
      created_at: unix(c.createdAt),
      updated_at: unix(c.updatedAt),
      metadata: Object.keys(c.metadata).length > 0 ? { ...c.metadata } : null,
      ...(paid ? { paid_at: unix(c.paidAt ?? c.updatedAt), payment_method_used: 'gcash' } : {}),
    },
  };
}

export function paymongoEvent(type: string, resource: unknown) {
  const now = unix(Date.now());
  return {
    data: {
      id: paymongoId('evt'),
      type: 'event',
      attributes: {
        type,
        livemode: false,
        data: resource,
        previous_data: {},
        pending_webhooks: 1,
        created_at: now,
        updated_at: now,
      },
    },
  };
}

const XENDIT_STATUS = {
  open: 'PENDING',
  paid: 'PAID',
  failed: 'EXPIRED',
  expired: 'EXPIRED',
} as const;

export function xenditInvoice(c: SandboxCheckout, invoiceUrl: string) {
  const r = c.request;
  const paid = c.state === 'paid';
  const duration = typeof r.invoice_duration === 'number' ? r.invoice_duration : 86400;
  return {
    id: c.id,
    external_id: c.reference,
    user_id: 'sandbox-business',
    status: XENDIT_STATUS[c.state],
    merchant_name: 'iAyos Sandbox',
    merchant_profile_picture_url: '',
    amount: centavosToPesos(c.amount),
    payer_email: c.billing.email,
    description: c.description,
    expiry_date: iso(c.createdAt + duration * 1000),
    invoice_url: invoiceUrl,
    available_banks: [],
    available_retail_outlets: [],
    available_ewallets: c.methods
      .filter((m) => m !== 'QRPH' && m !== 'CREDIT_CARD')
      .map((m) => ({ ewallet_type: m })),
    available_qr_codes: c.methods.includes('QRPH') ? [{ qr_code_type: 'QRPH' }] : [],
    available_direct_debits: [],
    available_paylaters: [],
    should_exclude_credit_card: !c.methods.includes('CREDIT_CARD'),
    should_send_email: false,
    created: iso(c.createdAt),
    updated: iso(c.updatedAt),
    currency: c.currency,
    items: r.items ?? [],
    customer: r.customer ?? null,
    success_redirect_url: c.successUrl,
    failure_redirect_url: c.cancelUrl,
    metadata: Object.keys(c.metadata).length > 0 ? { ...c.metadata } : null,
    ...(paid
      ? {
          paid_amount: centavosToPesos(c.paidAmount ?? c.amount),
          paid_at: iso(c.paidAt ?? c.updatedAt),
          payment_method: 'EWALLET',
          payment_channel: 'GCASH',
          payment_destination: 'GCASH',
          payment_id: c.paymentId,
          ewallet_type: 'GCASH',
          is_high: false,
        }
      : {}),
  };
}

const PAYOUT_STATUS = {
  pending: 'ACCEPTED',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
  reversed: 'REVERSED',
} as const;

export function xenditPayout(p: SandboxPayout) {
  return {
    id: p.id,
    amount: centavosToPesos(p.amount),
    channel_code: p.channel,
    currency: p.currency,
    description: p.description,
    reference_id: p.reference,
    status: PAYOUT_STATUS[p.state],
    created: iso(p.createdAt),
    updated: iso(p.updatedAt),
    estimated_arrival_time: iso(p.createdAt + 15 * 60_000),
    business_id: 'sandbox-business',
    channel_properties: { account_number: p.accountNumber, account_holder_name: p.accountName },
    metadata: p.metadata,
    ...(p.failureCode ? { failure_code: p.failureCode } : {}),
  };
}

export function paymongoTransfer(p: SandboxPayout) {
  return {
    id: p.id,
    livemode: false,
    merchant_id: 'org_sandbox',
    destination_account: { number: p.accountNumber, name: p.accountName, bic: p.channel },
    amount: p.amount,
    fee: 0,
    currency: p.currency,
    source_account: p.sourceAccount ?? null,
    provider: p.rail ?? 'instapay',
    reference_number: p.reference,
    description: p.description,
    metadata: p.metadata,
    status: p.state,
    provider_error_code: p.failureCode,
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

/** PayMongo refund resource (`ref_…`), as in its refund resource reference. */
export function paymongoRefund(r: SandboxRefund) {
  return {
    id: r.id,
    type: 'refund',
    attributes: {
      amount: r.amount,
      balance_transaction_id: r.state === 'succeeded' ? `bal_txn_${r.id.slice(4)}` : null,
      currency: r.currency,
      livemode: false,
      metadata: Object.keys(r.metadata).length > 0 ? { ...r.metadata } : null,
      notes: r.notes,
      payment_id: r.paymentId,
      payout_id: null,
      reason: r.reason,
      status: r.state,
      available_at: unix(r.createdAt) + 86400,
      created_at: unix(r.createdAt),
      refunded_at: r.state === 'succeeded' ? unix(r.updatedAt) : null,
      updated_at: unix(r.updatedAt),
    },
  };
}

const XENDIT_REFUND_STATUS = {
  pending: 'PENDING',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
} as const;

/** Xendit Refund API resource. */
export function xenditRefund(r: SandboxRefund) {
  return {
    id: r.id,
    payment_id: r.paymentId,
    invoice_id: r.checkoutId,
    amount: centavosToPesos(r.amount),
    payment_method_type: 'EWALLET',
    channel_code: 'GCASH',
    currency: r.currency,
    status: XENDIT_REFUND_STATUS[r.state],
    reason: r.reason,
    reference_id: r.reference,
    failure_code: r.failureCode,
    refund_fee_amount: null,
    created: iso(r.createdAt),
    updated: iso(r.updatedAt),
    metadata: Object.keys(r.metadata).length > 0 ? { ...r.metadata } : null,
  };
}
