import 'reflect-metadata';
import { Inject } from '@nestjs/common';
import { CacheTtl } from './cache-ttl';
import { QueryCacheService } from './query-cache.service';

const QUERY_CACHE = Symbol('queryCache');
type WithCache = { [QUERY_CACHE]?: QueryCacheService };

/**
 * Caches an async method's result. `key` is a fixed prefix (arguments are appended) or a function
 * of the arguments: `@CachedQuery((userId: string) => `wallet:${userId}`, 'short')`.
 * Invalidate with `QueryCacheService.del(key)` / `delPattern('wallet:*')` after writes.
 * The class must be a Nest provider (the cache is property-injected); otherwise calls go straight through.
 */
export function CachedQuery<A extends unknown[]>(
  key: string | ((...args: A) => string),
  ttl: CacheTtl = 'medium',
): MethodDecorator {
  return (target, propertyKey, descriptor: PropertyDescriptor) => {
    Inject(QueryCacheService)(target, QUERY_CACHE);
    const original = descriptor.value as (this: WithCache, ...args: A) => Promise<unknown>;
    const wrapped = function (this: WithCache, ...args: A): Promise<unknown> {
      const cache = this[QUERY_CACHE];
      if (!cache) return original.apply(this, args);
      return cache.wrap(cacheKeyFor(key, args), () => original.apply(this, args), ttl);
    };
    // Keep metadata other decorators put on the method (route, guards, swagger).
    for (const k of Reflect.getMetadataKeys(original) as unknown[])
      Reflect.defineMetadata(k, Reflect.getMetadata(k, original), wrapped);
    Object.defineProperty(wrapped, 'name', { value: String(propertyKey) });
    descriptor.value = wrapped;
  };
}

export function cacheKeyFor<A extends unknown[]>(
  key: string | ((...args: A) => string),
  args: A,
): string {
  if (typeof key === 'function') return key(...args);
  return args.length === 0 ? key : `${key}:${args.map(stableString).join(':')}`;
}

function stableString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v))
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    return v;
  });
}
