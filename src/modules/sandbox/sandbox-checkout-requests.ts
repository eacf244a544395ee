import type { CheckoutMethod } from '../payments/providers/payment-provider';
import { paymongoCapabilities } from '../payments/providers/paymongo/paymongo.capabilities';
import { xenditCapabilities } from '../payments/providers/xendit/xendit.capabilities';
import {
  GatewayReply,
  isObj,
  isPosInt,
  Obj,
  pmError,
  xenditAmount,
  xnError,
} from './sandbox-replies';
import type { SandboxControls } from './sandbox.types';

/** Validation of checkout creates, as strict as the gateways document (the adapters' own limits). */
const PAYMONGO_METHODS = new Set([
  'card',
  'gcash',
  'paymaya',
  'grab_pay',
  'qrph',
  'shopee_pay',
  'billease',
  'dob',
  'dob_ubp',
]);

export const ALL_METHODS: CheckoutMethod[] = ['gcash', 'paymaya', 'card', 'qrph'];
const PM_LIMITS = paymongoCapabilities({
  activatedMethods: ALL_METHODS,
  pesonetEnabled: true,
}).checkoutLimits;
const XN_LIMITS = xenditCapabilities({ activatedMethods: ALL_METHODS }).checkoutLimits;
const XN_CODES: Record<string, CheckoutMethod> = {
  GCASH: 'gcash',
  PAYMAYA: 'paymaya',
  CREDIT_CARD: 'card',
  QRPH: 'qrph',
};

export interface PaymongoCheckoutRequest {
  attrs: Obj;
  items: Obj[];
  total: number;
  methods: string[];
  metadata: Record<string, string>;
}

/** A PayMongo checkout session create: the parsed attributes, or PayMongo's error reply. */
export function paymongoCheckoutRequest(
  body: unknown,
  controls: SandboxControls,
): PaymongoCheckoutRequest | GatewayReply {
  const attrs =
    isObj(body) && isObj(body.data) && isObj(body.data.attributes) ? body.data.attributes : null;
  if (!attrs) return pmError(400, 'parameter_required', 'data.attributes is required.', 'data');
  const items = attrs.line_items;
  if (!Array.isArray(items) || items.length === 0)
    return pmError(400, 'parameter_required', 'line_items is required.', 'line_items');
  let total = 0;
  for (const raw of items) {
    const li = isObj(raw) ? raw : {};
    if (typeof li.name !== 'string' || li.name === '')
      return pmError(400, 'parameter_required', 'line_items.name is required.', 'line_items.name');
    if (!isPosInt(li.amount))
      return pmError(
        400,
        'parameter_data_type_invalid',
        'line_items.amount must be an integer.',
        'line_items.amount',
      );
    if (li.currency !== 'PHP')
      return pmError(
        400,
        'parameter_invalid',
        'line_items.currency must be PHP.',
        'line_items.currency',
      );
    if (!isPosInt(li.quantity))
      return pmError(
        400,
        'parameter_data_type_invalid',
        'line_items.quantity must be an integer.',
        'line_items.quantity',
      );
    total += li.amount * li.quantity;
  }
  const methods = attrs.payment_method_types;
  if (!Array.isArray(methods) || methods.length === 0)
    return pmError(
      400,
      'parameter_required',
      'payment_method_types is required.',
      'payment_method_types',
    );
  if (!methods.every((m) => typeof m === 'string' && PAYMONGO_METHODS.has(m)))
    return pmError(
      400,
      'parameter_invalid',
      'payment_method_types contains an unsupported method.',
      'payment_method_types',
    );
  const names = methods as string[];
  const inactive = names.filter((m) => !controls.paymongoMethods.includes(m));
  if (inactive.length > 0)
    return pmError(
      400,
      'parameter_invalid',
      `payment_method_types contains ${inactive.join(', ')}, which is not activated on this account.`,
      'payment_method_types',
    );
  const min = controls.paymongoMinAmount;
  const max = Math.min(
    ...names.map((m) => PM_LIMITS[m as CheckoutMethod]?.max ?? Number.MAX_SAFE_INTEGER),
  );
  if (total > max)
    return pmError(
      400,
      'parameter_above_maximum',
      `The maximum value for the amount is ${max}.`,
      'amount',
    );
  if (total < min)
    return pmError(
      400,
      'parameter_below_minimum',
      `The minimum value for the amount is ${min}.`,
      'amount',
    );
  const metadata: Record<string, string> = {};
  if (attrs.metadata !== undefined && attrs.metadata !== null) {
    if (!isObj(attrs.metadata))
      return pmError(400, 'parameter_invalid', 'metadata must be an object.', 'metadata');
    for (const [k, v] of Object.entries(attrs.metadata)) {
      if (typeof v !== 'string')
        return pmError(
          400,
          'parameter_data_type_invalid',
          `metadata.${k} must be a string.`,
          'metadata',
        );
      metadata[k] = v;
    }
  }
  return { attrs, items: items as Obj[], total, methods: names, metadata };
}

export interface XenditInvoiceRequest {
  body: Obj & { external_id: string };
  amount: number;
  channels: string[];
}

/** A Xendit invoice create: the parsed request, or Xendit's error reply. */
export function xenditInvoiceRequest(
  body: unknown,
  controls: SandboxControls,
): XenditInvoiceRequest | GatewayReply {
  if (!isObj(body)) return xnError(400, 'API_VALIDATION_ERROR', 'Request body must be an object');
  if (typeof body.external_id !== 'string' || body.external_id === '')
    return xnError(400, 'API_VALIDATION_ERROR', 'external_id is required');
  const amount = xenditAmount(body, xnError(400, 'UNSUPPORTED_CURRENCY', 'Only PHP is supported'));
  if (typeof amount !== 'number') return amount;
  const channels = Array.isArray(body.payment_methods)
    ? body.payment_methods.map(String)
    : controls.xenditMethods;
  const unavailable = channels.filter((ch) => !controls.xenditMethods.includes(ch));
  if (unavailable.length > 0 || channels.length === 0)
    return xnError(
      400,
      'UNAVAILABLE_PAYMENT_METHOD_ERROR',
      `Payment method(s) ${unavailable.join(', ') || '(none)'} are not activated for this business`,
    );
  for (const ch of channels) {
    const lim = XN_CODES[ch] ? XN_LIMITS[XN_CODES[ch]] : undefined;
    if (lim && amount < lim.min)
      return xnError(
        400,
        'API_VALIDATION_ERROR',
        `amount must be at least ${lim.min / 100} for ${ch}`,
      );
    if (lim && amount > lim.max)
      return xnError(
        400,
        'MAXIMUM_TRANSFER_AMOUNT_ERROR',
        `amount must be at most ${lim.max / 100} for ${ch}`,
      );
  }
  return { body: body as Obj & { external_id: string }, amount, channels };
}
