import { parseArgs } from 'node:util';

export const ADMIN_PASSWORD_MIN_LENGTH = 10;

export interface AdminArgs {
  email: string;
  password: string;
  name: string;
}

export const ADMIN_CREATE_USAGE =
  'Usage: npm run admin:create -- --email E [--name N]   (asks for the password on a terminal)\n' +
  '       scripts: ADMIN_PASSWORD=… in the environment, or --password P (npm echoes its command line)';

/**
 * Parses and checks the admin:create arguments. Returns every problem at once; messages never
 * contain the password itself.
 */
export function parseAdminArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  /** On a terminal a missing password is asked for afterwards (see `checkAdminPassword`). */
  canPrompt = false,
): { ok: true; args: AdminArgs } | { ok: false; problems: string[] } {
  let values: { email?: string; password?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        name: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { ok: false, problems: [err instanceof Error ? err.message : String(err)] };
  }
  const problems: string[] = [];
  const email = (values.email ?? '').trim();
  const password = values.password ?? env.ADMIN_PASSWORD ?? '';
  const name = (values.name ?? 'Administrator').trim();
  if (!email) problems.push('--email is required');
  else if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    problems.push(`--email "${email}" is not a valid email address`);
  if (!password) {
    if (!canPrompt)
      problems.push('--password (or ADMIN_PASSWORD) is required when not run on a terminal');
  } else problems.push(...checkAdminPassword(password));
  if (!name || name.length > 120) problems.push('--name must be 1 to 120 characters');
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, args: { email, password, name } };
}

/** Length rules for an admin password; the messages never contain it. */
export function checkAdminPassword(password: string): string[] {
  if (password.length < ADMIN_PASSWORD_MIN_LENGTH)
    return [`--password must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters`];
  if (password.length > 200) return ['--password must be at most 200 characters'];
  return [];
}
