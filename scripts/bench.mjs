// `npm run bench`: builds once, then runs every compiled bench/*.bench.ts in turn.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const build = spawnSync('npm', ['run', 'bench:build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const dir = 'dist-bench/bench';
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort()) {
  console.log(`\n=== ${file} ===`);
  const r = spawnSync(process.execPath, [`${dir}/${file}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
