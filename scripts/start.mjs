// `npm start`: run the service, compiling `src/` into `dist/` only when an input changed since the
// last compilation (ADR 0105). Warm starts skip the compiler entirely; a changed file in `src/`, a
// tsconfig, `.swcrc`, `nest-cli.json` or the lockfile makes the next start recompile.
//
// Compiles with swc (the compiler the unit and e2e suites already run the app through, same
// `.swcrc`): a few hundred milliseconds instead of a full type-checking `tsc` build. Type errors
// are `npm run typecheck`'s job; `npm run build` (nest build, tsc) still produces the production
// `dist/` of the Docker image.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const SRC = join(root, 'src');
const DIST = join(root, 'dist');
const STAMP = join(DIST, '.build-stamp');
const CONFIG_FILES = [
  'tsconfig.json',
  'tsconfig.build.json',
  '.swcrc',
  'nest-cli.json',
  'package.json',
  'package-lock.json',
  'scripts/start.mjs',
];

/** Every `.ts` file `nest build` would compile (tsconfig.build.json: src/, no specs). */
export function sourceFiles(dir = SRC) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.spec.ts') &&
      !entry.name.endsWith('.d.ts')
    )
      out.push(full);
  }
  return out.sort();
}

/**
 * Non-TypeScript files `nest build` copies (nest-cli.json `assets`, e.g. the ledger's `.sql` files),
 * as absolute paths. Patterns are `<dir>/*.<ext>` relative to `src/`, the only form we use.
 */
export function assetFiles() {
  const cli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
  const out = [];
  for (const asset of cli.compilerOptions?.assets ?? []) {
    const include = typeof asset === 'string' ? asset : asset.include;
    const m = /^(.*)\/\*(\.[\w.]+)$/.exec(include);
    if (!m) throw new Error(`unsupported asset pattern in nest-cli.json: ${include}`);
    const dir = join(SRC, m[1]);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort())
      if (name.endsWith(m[2])) out.push(join(dir, name));
  }
  return out;
}

/**
 * Fingerprint of the inputs: a hash of every source and config file's path and contents (contents,
 * not mtimes, so a checkout that restores old timestamps is still seen), plus the compiler version.
 */
export function fingerprint(files = sourceFiles()) {
  const h = createHash('sha256');
  h.update(`swc ${require('@swc/core/package.json').version}\n`);
  for (const f of [...files, ...assetFiles(), ...CONFIG_FILES.map((c) => join(root, c))]) {
    h.update(relative(root, f));
    h.update('\0');
    h.update(existsSync(f) ? readFileSync(f) : 'missing');
    h.update('\0');
  }
  return h.digest('hex');
}

export function isCurrent(print) {
  if (!existsSync(join(DIST, 'main.js')) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, 'utf8').trim() === print;
}

/** Compiles into a fresh folder and swaps it in, so an interrupted build never leaves a half dist/. */
export async function compile(files, print) {
  const swc = require('@swc/core');
  const options = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  const tmp = `${DIST}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  await Promise.all(
    files.map(async (file) => {
      const rel = relative(SRC, file).replace(/\.ts$/, '.js');
      const out = join(tmp, rel);
      const { code, map } = await swc.transformFile(file, {
        ...options,
        // The `src/…` import alias (tsconfig paths), rewritten to relative paths as nest build does.
        jsc: { ...options.jsc, baseUrl: root, paths: { 'src/*': ['src/*'] } },
        swcrc: false,
        filename: file,
        sourceFileName: relative(dirname(out), file),
      });
      mkdirSync(dirname(out), { recursive: true });
      const name = rel.split('/').pop();
      writeFileSync(out, map ? `${code}\n//# sourceMappingURL=${name}.map\n` : code);
      if (map) writeFileSync(`${out}.map`, map);
    }),
  );
  for (const asset of assetFiles()) {
    const out = join(tmp, relative(SRC, asset));
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(asset, out);
  }
  writeFileSync(join(tmp, '.build-stamp'), `${print}\n`);
  rmSync(DIST, { recursive: true, force: true });
  renameSync(tmp, DIST);
}

/** Brings `dist/` up to date; returns whether it compiled. */
export async function ensureBuilt() {
  const files = sourceFiles();
  const print = fingerprint(files);
  if (isCurrent(print)) return false;
  const t0 = Date.now();
  await compile(files, print);
  console.warn(
    `compiled ${files.length} files into dist/ in ${Date.now() - t0} ms (sources changed since the last start)`,
  );
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const buildOnly = process.argv.includes('--build-only');
  ensureBuilt()
    .then(() => {
      // Same process: no second Node start-up, and signals reach the app directly.
      if (!buildOnly) require(join(DIST, 'main.js'));
    })
    .catch((err) => {
      console.error('Failed to compile:', err instanceof Error ? err.message : err);
      process.exit(1);
    });
}
