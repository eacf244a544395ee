import type { AppConfig } from 'src/config/app-config';

/** Redirects after a hosted checkout, built from configuration only (never from a request). */
export function checkoutReturnUrls(
  cfg: AppConfig,
  kind: string,
  id: string,
): { successUrl: string; cancelUrl: string } {
  const base = `${cfg.app.frontendUrl}/payments/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
  return { successUrl: `${base}?status=success`, cancelUrl: `${base}?status=cancelled` };
}
