import { formatPesos } from 'src/common/money/money';
import type { DeliveryRecord, SandboxCheckout } from './sandbox.types';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f5f9;margin:0;color:#1b2430}
main{max-width:420px;margin:48px auto;background:#fff;border-radius:12px;box-shadow:0 4px 24px #0001;padding:28px}
h1{font-size:18px;margin:0 0 4px} .muted{color:#667;font-size:13px} .amount{font-size:32px;font-weight:700;margin:18px 0}
.badge{display:inline-block;background:#fff3cd;color:#7a5b00;border-radius:6px;padding:2px 8px;font-size:12px;margin-bottom:12px}
button{display:block;width:100%;padding:12px;margin:10px 0 0;border:0;border-radius:8px;font-size:15px;cursor:pointer}
#pay{background:#1a73e8;color:#fff} #fail{background:#fde8e8;color:#a61b1b} #expire{background:#eceff3;color:#333}
.result{font-size:20px;font-weight:600;margin:16px 0} a{color:#1a73e8}`;

function page(title: string, inner: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>
<span class="badge">SANDBOX — no real money moves</span>${inner}</main></body></html>`;
}

function header(c: SandboxCheckout): string {
  const gateway =
    c.provider === 'paymongo' ? 'PayMongo Checkout (sandbox)' : 'Xendit Invoice (sandbox)';
  return `<h1>${esc(c.description || 'Payment')}</h1><div class="muted">${gateway} · ${esc(c.id)}</div>
<div class="amount" id="amount">${formatPesos(c.amount)}</div>`;
}

export function checkoutPage(
  c: SandboxCheckout,
  deliveries: DeliveryRecord[] | null = null,
): string {
  if (c.state !== 'open') return resultPage(c, null);
  const action = (a: string) => `/sandbox/checkout/${encodeURIComponent(c.id)}/${a}`;
  // A failed attempt leaves the checkout open, as on the real pages: the customer may try again.
  const retry =
    c.failedAttempts > 0
      ? `<div class="result" id="result" data-state="attempt-failed">Payment failed — you can try again</div>${webhookLine(deliveries)}`
      : '';
  return page(
    'Sandbox checkout',
    `${header(c)}${retry}
<p class="muted">Choose what the customer does. The sandbox then sends the gateway's signed webhook to the service.</p>
<form method="post" action="${action('pay')}"><button id="pay" type="submit">Authorize test payment</button></form>
<form method="post" action="${action('fail')}"><button id="fail" type="submit">Fail test payment</button></form>
<form method="post" action="${action('expire')}"><button id="expire" type="submit">Let it expire</button></form>`,
  );
}

const OUTCOME = {
  open: 'Waiting for payment',
  paid: 'Payment successful',
  failed: 'Payment failed',
  expired: 'Checkout expired',
};

export function resultPage(c: SandboxCheckout, deliveries: DeliveryRecord[] | null): string {
  const back = c.state === 'paid' ? c.successUrl : c.cancelUrl;
  const delivered = webhookLine(deliveries);
  return page(
    OUTCOME[c.state],
    `${header(c)}<div class="result" id="result" data-state="${c.state}">${OUTCOME[c.state]}</div>${delivered}
${back ? `<p><a id="return" href="${esc(back)}">Return to the merchant</a></p>` : ''}`,
  );
}

function webhookLine(deliveries: DeliveryRecord[] | null): string {
  return deliveries && deliveries.length > 0
    ? `<p class="muted" id="webhook-status">Webhooks: ${deliveries
        .map((d) => `${esc(d.eventType)} → ${d.state}`)
        .join(', ')}</p>`
    : '';
}

export function notFoundPage(): string {
  return page(
    'Checkout not found',
    '<h1>Checkout not found</h1><p class="muted">This checkout does not exist.</p>',
  );
}
