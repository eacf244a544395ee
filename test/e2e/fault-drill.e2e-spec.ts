import { formatReport, runDrill, SHORT_PROFILE } from '../../scripts/drill/drill';

jest.setTimeout(300_000); // the short drill targets 90 s; a saturated CI machine gets head room

/**
 * The short fault drill (`npm run drill` runs the full one): own PostgreSQL and Redis, two real
 * instances, the sandbox gateway in its own process, deposits with duplicate webhooks and same-key
 * retries through kill -9, a PostgreSQL restart and outage, a Redis outage and a webhook storm;
 * then reconciled from the client's own records.
 */
describe('Fault drill, short (e2e)', () => {
  it('should lose and double nothing through every fault, and recover from each', async () => {
    const lines: string[] = [];
    const report = await runDrill(SHORT_PROFILE, (l) => lines.push(l));
    const table = formatReport(report);
    if (!report.ok) console.log(`${lines.join('\n')}\n${table}`);
    expect(report.problems).toEqual([]);
    expect(report.deposits.paid).toBeGreaterThan(0);
    expect(report.deposits.credited).toBe(report.deposits.paid);
    expect(report.deposits.stuckPending).toBe(0);
    expect(report.phases.map((p) => p.name)).toHaveLength(6);
    // Outages answer 503 (retry later), never 500.
    for (const p of report.phases) expect(p.statuses['500'] ?? 0).toBe(0);
  });
});
