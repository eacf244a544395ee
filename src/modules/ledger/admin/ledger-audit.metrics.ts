import { Gauge } from 'prom-client';
import { metricsRegistry } from 'src/common/metrics/metrics.registry';

/** Set by each scheduled ledger audit; any value above 0 pages someone (deploy/prometheus/alerts.yml). */
export const ledgerAuditFailedChecks = new Gauge({
  name: 'ledger_audit_failed_checks',
  help: 'Ledger invariants that failed in the last scheduled audit (0 = all pass)',
  registers: [metricsRegistry],
});

export const ledgerAuditLastRun = new Gauge({
  name: 'ledger_audit_last_run_timestamp_seconds',
  help: 'Unix time the last scheduled ledger audit finished',
  registers: [metricsRegistry],
});
