const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const WHAT: Record<string, string> = {
  deposit: 'Wallet top-up',
  verification: 'Payout account verification',
  'job-downpayment': 'Job downpayment',
  'job-remaining': 'Job remaining payment',
};

/**
 * Where a checkout's return links land when no FRONTEND_URL is configured (local mode): says what
 * happened and where to look, instead of a 404. The wallet, not this page, is the truth about money.
 */
export function returnPage(kind: string, id: string, status: string | undefined): string {
  const ok = status === 'success';
  const title = ok ? 'Payment received' : 'Payment not completed';
  const what = WHAT[kind] ?? 'Payment';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>${title}</title><style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;background:#f3f5f9;margin:0;color:#1b2430}
main{max-width:440px;margin:48px auto;background:#fff;border-radius:12px;box-shadow:0 4px 24px #0001;padding:28px}
h1{font-size:20px;margin:0 0 8px} .muted{color:#667;font-size:13px} code{background:#eef1f5;padding:1px 4px;border-radius:4px}
</style></head><body><main>
<h1 id="result" data-status="${ok ? 'success' : 'cancelled'}">${title}</h1>
<p>${esc(what)} <code>${esc(id)}</code>${ok ? ' was paid. The wallet updates as soon as the gateway\u2019s webhook is processed.' : ' was cancelled or failed; nothing was charged.'}</p>
<p class="muted">This is the service\u2019s built-in return page, shown because <code>FRONTEND_URL</code> is not set.
Check the result with <code>GET /api/wallet</code> and <code>GET /api/wallet/transactions</code>, or listen for
<code>wallet.updated</code> on Socket.IO (<a href="/docs/asyncapi.yaml">events</a>, <a href="/docs">API docs</a>).</p>
</main></body></html>`;
}
