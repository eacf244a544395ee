/** Deepest JSON nesting any route accepts; our DTOs are a few levels deep. */
export const MAX_JSON_DEPTH = 32;

// A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its partner (not encodable as UTF-8).
const UNSAFE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `s` holds a NUL character or a lone surrogate. */
export function isUnsafeString(s: string): boolean {
  return UNSAFE.test(s);
}

export type InputProblem = { kind: 'too_deep' } | { kind: 'unsafe_string'; path: string };

/**
 * The first problem in a parsed JSON value (or a parsed query): nesting deeper than `maxDepth`, or a
 * key or string with a NUL / lone surrogate. Iterative, so hostile nesting cannot overflow the stack.
 */
export function findInputProblem(
  root: unknown,
  rootPath: string,
  maxDepth = MAX_JSON_DEPTH,
): InputProblem | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: rootPath, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (isUnsafeString(value)) return { kind: 'unsafe_string', path };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= maxDepth) return { kind: 'too_deep' };
    for (const [k, v] of Object.entries(value)) {
      if (isUnsafeString(k)) return { kind: 'unsafe_string', path: `${path}.<key>` };
      stack.push({ value: v, path: `${path}.${k}`, depth: depth + 1 });
    }
  }
  return null;
}
