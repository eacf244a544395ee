/**
 * A `refresh_tokens` row: stored only as its SHA-256; rotated on every use, grouped in families for
 * reuse detection. TokenService owns the table (plain SQL, ADR 0115).
 */
export interface RefreshToken {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}
