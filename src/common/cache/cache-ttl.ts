/** The cache's TTL classes, in milliseconds (what cache-manager and Keyv take). */
export const CACHE_TTL = {
  short: 60_000,
  medium: 300_000,
  long: 3_600_000,
  very_long: 86_400_000,
} as const;

export type CacheTtlClass = keyof typeof CACHE_TTL;

/** A TTL class name or an explicit number of milliseconds. */
export type CacheTtl = CacheTtlClass | number;

export function ttlMs(ttl: CacheTtl): number {
  return typeof ttl === 'number' ? ttl : CACHE_TTL[ttl];
}
