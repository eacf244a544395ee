import * as argon2 from 'argon2';

/** Password hashing for accounts (sign-up, admin creation) and its check at login. */
export function hashPassword(password: string): Promise<string> {
  // argon2id with the library's OWASP-aligned defaults (m=64 MiB, t=3, p=4).
  return argon2.hash(password, { type: argon2.argon2id });
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}
