// Builds dist/ once per e2e run when it is missing or older than any source file, so tests that
// spawn the real `node dist/...` processes never run stale code. Called from global-setup.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|sql)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuild() {
  const marker = join(root, 'dist', 'main.js');
  const inputs = Math.max(
    newestMtime(join(root, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', 'package.json'].map(
      (f) => statSync(join(root, f)).mtimeMs,
    ),
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= inputs) return;
  console.log('\n[e2e] building dist/ (missing or older than src/)');
  const r = spawnSync('npx', ['nest', 'build'], { cwd: root, stdio: 'inherit' });
  // Type errors still emit JavaScript; `npm run typecheck` reports them. Only the tests that spawn
  // dist/ depend on this build, so the rest of the e2e run goes on.
  if (r.status !== 0)
    console.warn('[e2e] nest build reported errors: tests that run dist/ may fail');
}
