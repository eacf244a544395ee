import { VerifiedTokens } from './verified-tokens';

describe('VerifiedTokens', () => {
  const user = { id: 'u1', role: 'CLIENT' as const, sessionId: 's1' };
  const exp = 1_800_000_000; // seconds

  it('should answer a verified token until the second its exp names, and forget it from then on', () => {
    let now = exp * 1000 - 1;
    const cache = new VerifiedTokens(10, () => now);
    cache.remember('a.b.c', user, exp);
    expect(cache.get('a.b.c')).toBe(user);
    now = exp * 1000; // jsonwebtoken refuses from exp on
    expect(cache.get('a.b.c')).toBeUndefined();
    expect(cache.size).toBe(0);
    now = exp * 1000 - 1;
    expect(cache.get('a.b.c')).toBeUndefined(); // gone, not revived
  });

  it('should answer only the exact token string it verified', () => {
    const cache = new VerifiedTokens(10, () => 0);
    cache.remember('a.b.c', user, exp);
    expect(cache.get('a.b.C')).toBeUndefined();
    expect(cache.get('a.b.c ')).toBeUndefined();
  });

  it('should keep at most its bound, dropping the oldest first', () => {
    const cache = new VerifiedTokens(2, () => 0);
    cache.remember('t1', user, exp);
    cache.remember('t2', user, exp);
    cache.remember('t3', user, exp);
    expect(cache.size).toBe(2);
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.get('t2')).toBe(user);
    expect(cache.get('t3')).toBe(user);
  });
});
