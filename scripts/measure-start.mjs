// Measures local mode's time to ready: `npm start` with no configuration until `GET /health/ready`
// answers 200. Two cases:
// - first start of a fresh checkout: a copy of the tracked files (no dist/, no data folder) with the
//   installed node_modules linked in, i.e. what `npm ci && npm start` finds; the data folder is created
//   (initdb), the app compiled and every migration run;
// - warm start: the same copy again, data folder present, nothing changed.
// Usage: node scripts/measure-start.mjs [--warm N] [--first N]   (defaults: 3 warm, 2 first)
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  chmodSync,
  realpathSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const WARM = arg('--warm', 3);
const FIRST = arg('--first', 2);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

/** A fresh checkout: tracked and new (not ignored) files, node_modules linked to the installed one. */
function freshCopy() {
  const base = mkdtempSync(join(tmpdir(), 'iayos-start-'));
  chmodSync(base, 0o755); // as root, the embedded PostgreSQL runs as `postgres` and must reach it
  const dir = join(base, 'app');
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root })
    .toString()
    .split('\0')
    .filter((f) => f && f !== 'node_modules');
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(root, f), join(dir, f));
    } catch {
      /* deleted in the work tree */
    }
  }
  symlinkSync(realpathSync(join(root, 'node_modules')), join(dir, 'node_modules'));
  return { base, dir };
}

async function startOnce(dir, label) {
  const [port, dbPort] = [await freePort(), await freePort()];
  const env = { ...process.env, PORT: String(port), EMBEDDED_DB_PORT: String(dbPort) };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'JWT_SECRET']) delete env[k];
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  let ms;
  for (;;) {
    if (exited) throw new Error(`${label}: npm start exited before ready:\n${output}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (r.status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (performance.now() - t0 > 120_000)
      throw new Error(`${label}: not ready after 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Stop like a terminal does (the whole process group), and wait for the embedded database to go.
  process.kill(-child.pid, 'SIGTERM');
  await new Promise((r) => (exited ? r() : child.on('exit', r)));
  // npm exits first; wait until the app and its embedded database are gone too.
  const alive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 600 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  return { ms, compiled: /compiled \d+ files/.test(output) };
}

const results = [];
for (let i = 0; i < Math.max(FIRST, WARM > 0 ? 1 : 0); i++) {
  const { base, dir } = freshCopy();
  try {
    const first = await startOnce(dir, 'first start');
    if (i < FIRST)
      results.push({ kind: 'first start (fresh checkout, no dist/, no data folder)', ...first });
    if (i === 0)
      for (let w = 0; w < WARM; w++)
        results.push({
          kind: 'warm start (data folder present, nothing changed)',
          ...(await startOnce(dir, 'warm start')),
        });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

console.log('| start | time to ready (s) | compiled |');
console.log('|---|---|---|');
for (const r of results)
  console.log(`| ${r.kind} | ${(r.ms / 1000).toFixed(2)} | ${r.compiled ? 'yes' : 'no'} |`);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const kind of new Set(results.map((r) => r.kind)))
  console.log(
    `median ${kind}: ${(median(results.filter((r) => r.kind === kind).map((r) => r.ms)) / 1000).toFixed(2)} s`,
  );
