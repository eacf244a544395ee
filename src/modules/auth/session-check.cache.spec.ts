import { SessionCheckCache } from './session-check.cache';

describe('SessionCheckCache', () => {
  it('should ask once per key within the TTL, share concurrent lookups, and ask again after it', async () => {
    let now = 1_000;
    const cache = new SessionCheckCache<string>(5_000, 10, () => now);
    const load = jest.fn(async () => 'CLIENT');
    const answers = await Promise.all([1, 2, 3].map(() => cache.get('s1', load)));
    expect(answers).toEqual(['CLIENT', 'CLIENT', 'CLIENT']);
    expect(load).toHaveBeenCalledTimes(1);
    now += 4_999;
    await cache.get('s1', load);
    expect(load).toHaveBeenCalledTimes(1);
    now += 1;
    await cache.get('s1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('should forget a key on delete and never keep a failed lookup', async () => {
    const cache = new SessionCheckCache<string | null>(5_000, 10);
    await cache.get('s1', async () => 'CLIENT');
    cache.delete('s1');
    expect(await cache.get('s1', async () => null)).toBeNull();
    await expect(cache.get('s2', () => Promise.reject(new Error('db down')))).rejects.toThrow();
    expect(await cache.get('s2', async () => 'WORKER')).toBe('WORKER');
  });

  it('should stay within its size bound, dropping the oldest entries', async () => {
    const cache = new SessionCheckCache<number>(60_000, 3);
    for (let i = 0; i < 5; i++) await cache.get(`s${i}`, async () => i);
    expect(cache.size).toBe(3);
    const reload = jest.fn(async () => -1);
    expect(await cache.get('s0', reload)).toBe(-1);
    expect(await cache.get('s4', reload)).toBe(4);
  });
});
