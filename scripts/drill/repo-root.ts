import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout's root, whether this runs from source (tests) or compiled (dist-drill/). */
export const REPO_ROOT = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
  throw new Error('repository root not found');
})();
