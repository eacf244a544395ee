import { findInputProblem, isUnsafeString, MAX_JSON_DEPTH } from './unsafe-input';

describe('unsafe input', () => {
  it('should flag NUL and lone surrogates but accept well-formed text and emoji', () => {
    expect(isUnsafeString('a\0b')).toBe(true);
    expect(isUnsafeString('\ud800')).toBe(true);
    expect(isUnsafeString('x\udc00')).toBe(true);
    expect(isUnsafeString('\udc00\ud800')).toBe(true);
    expect(isUnsafeString('Juan Dela Cruz ñ 😀')).toBe(false);
    expect(isUnsafeString('')).toBe(false);
  });

  it('should find a bad string anywhere, including keys, with its path', () => {
    expect(findInputProblem({ a: [{ b: 'ok' }, { c: 'x\0' }] }, 'body')).toEqual({
      kind: 'unsafe_string',
      path: 'body.a.1.c',
    });
    expect(findInputProblem({ ['k\ud800']: 1 }, 'body')).toEqual({
      kind: 'unsafe_string',
      path: 'body.<key>',
    });
    expect(findInputProblem('\0', 'query.q')).toEqual({ kind: 'unsafe_string', path: 'query.q' });
    expect(findInputProblem({ a: 1, b: [true, null, 'fine'] }, 'body')).toBeNull();
  });

  it('should refuse nesting past the limit without recursion, and accept it at the limit', () => {
    const nest = (n: number) => JSON.parse('['.repeat(n) + ']'.repeat(n)) as unknown;
    expect(findInputProblem(nest(MAX_JSON_DEPTH), 'body')).toBeNull();
    expect(findInputProblem(nest(MAX_JSON_DEPTH + 1), 'body')).toEqual({ kind: 'too_deep' });
    expect(findInputProblem(nest(100_000), 'body')).toEqual({ kind: 'too_deep' });
  });
});
