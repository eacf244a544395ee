// `npm test`: the unit suite, the medium suite (services on a scratch database, no HTTP), then the e2e
// suite (the whole app over HTTP; real PostgreSQL and Redis), then one closing line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'jest-results-'));
const extra = process.argv.slice(2);
const suites = [
  ['unit', ['-c', 'jest.config.json']],
  ['medium', ['-c', 'test/jest-medium.json']],
  ['e2e', ['-c', 'test/jest-e2e.json']],
];
let passed = 0;
let failed = 0;
let ok = true;
for (const [name, args] of suites) {
  const file = join(out, `${name}.json`);
  console.log(`\n=== ${name} tests ===`);
  const r = spawnSync('npx', ['jest', ...args, '--json', `--outputFile=${file}`, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, TZ: 'UTC' },
  });
  try {
    const res = JSON.parse(readFileSync(file, 'utf8'));
    passed += res.numPassedTests;
    failed += res.numFailedTests;
    if (res.numTotalTests === 0) ok = false;
  } catch {
    ok = false;
  }
  if (r.status !== 0) ok = false;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
