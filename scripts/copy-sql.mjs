// Copies the ledger's reviewed SQL files next to their compiled loader for builds that `nest build`
// does not make (tsc -p tsconfig.bench.json compiles src/ into dist-bench/src/): `node
// scripts/copy-sql.mjs dist-bench/src`. nest build copies them into dist/ itself (nest-cli.json).
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = process.argv[2];
if (!outRoot) throw new Error('usage: node scripts/copy-sql.mjs <compiled src root>');
const rel = join('modules', 'ledger', 'sql');
const target = join(root, outRoot, rel);
mkdirSync(target, { recursive: true });
for (const f of readdirSync(join(root, 'src', rel)).filter((f) => f.endsWith('.sql')))
  copyFileSync(join(root, 'src', rel, f), join(target, f));
