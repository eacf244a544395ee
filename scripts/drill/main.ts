import { formatReport, FULL_PROFILE, runDrill, SHORT_PROFILE } from './drill';

/** `npm run drill [-- --short]`: the fault drill; exit 1 when reconciliation finds a problem. */
async function main(): Promise<number> {
  const profile = process.argv.includes('--short') ? SHORT_PROFILE : FULL_PROFILE;
  const report = await runDrill(profile);
  console.log(`\n${formatReport(report)}`);
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`drill: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
