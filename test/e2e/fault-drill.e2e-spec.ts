import { formatReport, runDrill, SHORT_PROFILE } from '../../scripts/drill/drill';

jest.setTimeout(300_000); // the short drill targets 90 s; a saturated CI machine gets head room

/**
 * The short fault drill (`npm run drill` runs the full one): own PostgreSQL and Redis, two real
 * instances, the sandbox gateway in its own process, mixed load (deposits with duplicate webhooks,
 * withdrawals, wallet-funded jobs, same-key retries on every money route) through kill -9, a
 * PostgreSQL restart and outage, a Redis outage and a webhook storm; then reconciled from the
 * clients' own records: wallets = deposits − withdrawals − job payments, to the centavo.
 */
describe('Fault drill, short (e2e)', () => {
  it('should lose and double nothing through every fault, and recover from each', async () => {
    const lines: string[] = [];
    const report = await runDrill(SHORT_PROFILE, (l) => lines.push(l));
    const table = formatReport(report);
    // The table is the run's record (docs/RELIABILITY.md shows one); printed whatever the outcome.
    console.log(`${lines.join('\n')}\n${table}`);
    expect(report.problems).toEqual([]);
    expect(report.deposits.paid).toBeGreaterThan(0);
    expect(report.deposits.credited).toBe(report.deposits.paid);
    expect(report.deposits.stuckPending).toBe(0);
    // The load was mixed: money also went out, through both routes, and was reconciled.
    const money = report.money;
    expect(money).toBeDefined();
    expect(money?.withdrawals.completed).toBeGreaterThan(0);
    expect(money?.jobs.approved).toBeGreaterThan(0);
    expect(money?.wallets).toBe(
      (money?.deposits ?? 0) - (money?.withdrawals.amount ?? 0) - (money?.jobPayments ?? 0),
    );
    expect(report.sameKeyRetries).toBeGreaterThan(0);
    // Outages are logged once per transition at warning level, never an error line per request.
    expect(report.errorLogLines).toEqual([]);
    expect(report.phases.map((p) => p.name)).toHaveLength(6);
    // Outages answer 503 (retry later), never 500.
    for (const p of report.phases) expect(p.statuses['500'] ?? 0).toBe(0);
  });
});
