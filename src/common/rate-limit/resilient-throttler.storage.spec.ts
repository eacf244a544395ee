import type { ThrottlerStorage } from '@nestjs/throttler';
import { ResilientThrottlerStorage } from './resilient-throttler.storage';

type Increment = ThrottlerStorage['increment'];

describe('ResilientThrottlerStorage', () => {
  const args = ['rl:auth:ip:1.2.3.4', 60_000, 5, 60_000, 'auth'] as const;

  it('should count in the shared store while it answers', async () => {
    const shared = {
      increment: jest.fn<ReturnType<Increment>, Parameters<Increment>>(async () => ({
        totalHits: 42,
        timeToExpire: 30,
        isBlocked: true,
        timeToBlockExpire: 30,
      })),
    };
    const storage = new ResilientThrottlerStorage(shared);
    expect(await storage.increment(...args)).toMatchObject({ totalHits: 42, isBlocked: true });
    expect(shared.increment).toHaveBeenCalledWith(...args);
    storage.onApplicationShutdown();
  });

  it('should count in memory while the shared store fails, and go back to it when it recovers', async () => {
    let down = true;
    const shared = {
      increment: jest.fn<ReturnType<Increment>, Parameters<Increment>>(async () => {
        if (down) throw new Error('Connection is closed.');
        return { totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 };
      }),
    };
    const storage = new ResilientThrottlerStorage(shared);
    const hits: number[] = [];
    const blocked: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await storage.increment(...args);
      hits.push(r.totalHits);
      blocked.push(r.isBlocked);
    }
    expect(hits).toEqual([1, 2, 3, 4, 5, 6]);
    expect(blocked).toEqual([false, false, false, false, false, true]);
    down = false;
    expect((await storage.increment(...args)).totalHits).toBe(1);
    expect(shared.increment).toHaveBeenCalledTimes(7);
    storage.onApplicationShutdown();
  });

  it('should use memory only when no Redis is configured', async () => {
    const storage = new ResilientThrottlerStorage();
    expect((await storage.increment(...args)).totalHits).toBe(1);
    expect((await storage.increment(...args)).totalHits).toBe(2);
    storage.onApplicationShutdown();
  });
});
