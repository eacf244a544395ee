/**
 * JSON with bigint support: money is bigint centavos, and plain JSON.stringify throws on bigint.
 * Dates come back as ISO strings (as they would from any JSON API); cache plain data only.
 */
const BIGINT_TAG = '$bigint';

export function serializeCacheEntry(data: unknown): string {
  return JSON.stringify(data, (_key, value: unknown) =>
    typeof value === 'bigint' ? { [BIGINT_TAG]: value.toString() } : value,
  );
}

export function deserializeCacheEntry<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = (value as Record<string, unknown>)[BIGINT_TAG];
      if (typeof tagged === 'string' && Object.keys(value).length === 1) return BigInt(tagged);
    }
    return value;
  }) as T;
}

/** Glob (`*`, `?`) → anchored RegExp, for pattern invalidation in the in-memory store. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
