import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { QueryCacheService } from 'src/common/cache/query-cache.service';

/**
 * Cache for job lists (the original's most expensive read), keyed by a per-user generation:
 * `jobs:list:<user>:<generation>:<query>`. A change to a job gives both participants a new generation
 * **after** its commit, so no later read can see a list from before the change, and a read that raced
 * the change can only have filled a key of the old generation, which nobody asks for again (no SCAN
 * per write, no stale refill). If the cache store is down every read is a miss; invalidations lost
 * during an outage are bounded by the short list TTL. See ADR 0043.
 */
@Injectable()
export class JobListCache {
  constructor(private readonly cache: QueryCacheService) {}

  async wrap<T>(userId: string, query: string, load: () => Promise<T>): Promise<T> {
    const generation = await this.generation(userId);
    return this.cache.wrap(`jobs:list:${userId}:${generation}:${query}`, load, 'short');
  }

  /** Call after the change has committed. */
  async invalidate(...userIds: string[]): Promise<void> {
    await Promise.all(
      userIds.map((id) => this.cache.set(generationKey(id), randomUUID(), 'very_long')),
    );
  }

  private async generation(userId: string): Promise<string> {
    const current = await this.cache.get<string>(generationKey(userId));
    if (current) return current;
    const fresh = randomUUID();
    await this.cache.set(generationKey(userId), fresh, 'very_long');
    return fresh;
  }
}

const generationKey = (userId: string) => `jobs:gen:${userId}`;
