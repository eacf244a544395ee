import type { AuthUser } from 'src/common/decorators/current-user.decorator';

/**
 * Access tokens whose signature and claims were verified, until they expire: a client sends the same
 * token on every request for its lifetime, and re-checking the HMAC and re-parsing the claims each
 * time was the largest single cost of an authenticated read. Keyed by the whole token string, so a
 * hit is a byte-identical token already verified; a token is kept no longer than its own `exp` (the
 * check jsonwebtoken makes: valid while now < exp). Only verified tokens are stored, so only holders
 * of valid tokens can fill it, and it is bounded (oldest first out). Whether the token's session is
 * still live is checked per request elsewhere, as before.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { user: AuthUser; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): AuthUser | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (this.now() < hit.expiresAtMs) return hit.user;
    this.entries.delete(token);
    return undefined;
  }

  /** `exp` in seconds since the epoch, as in the token. */
  remember(token: string, user: AuthUser, exp: number): void {
    this.entries.set(token, { user, expiresAtMs: exp * 1000 });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
